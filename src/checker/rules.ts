/**
 * The checker's rules and how their findings read. Each message carries the sentence the type
 * layer uses for the same rule (the constants below are typed with the type layer's message
 * types, so the two cannot drift apart), the line where the handle was freed or moved, and the
 * use.
 *
 * @module
 */
import type { MsgConsumed, MsgSleepInAtomic } from '../types/messages.js';
import type { ConsumeKind } from './api.js';

/**
 * The checker's rule ids, as the ESLint plugin names them (`memdesc/<id>`) and `memdesc check`
 * prints them: `use-after-free`, `double-free`, `use-after-move`, `leak`, `sleep-in-atomic`,
 * `free-while-mapped`.
 */
export const RULE_IDS = ['use-after-free', 'double-free', 'use-after-move', 'leak', 'sleep-in-atomic', 'free-while-mapped'] as const;

/** One of {@link RULE_IDS}. */
export type RuleId = (typeof RULE_IDS)[number];

/** One finding: where, which rule, and the message. Lines and columns are 1-based. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: `memdesc/${RuleId}`;
  readonly message: string;
}

/** The type layer's sentence for a consumed handle ({@link MsgConsumed}). */
export const SENTENCE_CONSUMED: MsgConsumed =
  'this handle was consumed (freed, put, unlocked or moved): using it again is a use after free, freeing it again a double free';
/** The type layer's sentence for a sleeping GFP in atomic context ({@link MsgSleepInAtomic}). */
export const SENTENCE_SLEEP: MsgSleepInAtomic =
  'sleeping GFP in atomic context: under a spinlock use GFP_ATOMIC or GFP_NOWAIT (combine flags with gfp(...) so the type keeps the may-sleep bit)';
/** The runtime's rule for freeing a mapped page (`BAD_PAGE_STATE`: nonzero mapcount). */
export const SENTENCE_MAPPED = 'a page mapped by withPageMapped() (kmap_local_page) cannot be freed until the callback returns: Bad page state, nonzero mapcount';
/** The rule for a leak (kmemleak: "unreferenced object"). */
export const SENTENCE_LEAK = 'an owned handle must be freed, put, returned or stored before its last reference is dropped (kmemleak: unreferenced object)';

/** What each rule reports, in a sentence (the plugin's rule metadata, `docs.description`). */
export const RULE_DESCRIPTIONS: Record<RuleId, string> = {
  'use-after-free': 'A handle used after it was freed, put or unlocked — through an alias, a helper, a field, a collection, a closure or an async continuation.',
  'double-free': 'A handle freed or put a second time — through another name, a helper, a field or a second lookup in an array or Map.',
  'use-after-move': 'A handle used after intoShared() or tryFromShared() moved it into another one.',
  leak: 'An owned handle neither released, returned, stored nor consumed on some path out of a function: an early return, an overwrite in a loop, a Map entry deleted without freeing.',
  'sleep-in-atomic': 'A call that may sleep (a sleeping GFP, vmalloc, folioLock) reached inside a withSpinLock() callback, directly or through helpers.',
  'free-while-mapped': 'A page freed while withPageMapped() maps it, directly or through a helper.',
};

/** The past participle of a consumption ("freed", "put", …). */
export function verbOf(kind: ConsumeKind): string {
  switch (kind) {
    case 'free':
      return 'freed';
    case 'put':
      return 'put';
    case 'unlock':
      return 'unlocked';
    case 'destroy':
      return 'destroyed';
    case 'move':
      return 'moved';
    default:
      return 'consumed';
  }
}
