/**
 * The abstract state of the ownership checker at one program point: what each variable may hold
 * (a set of abstract values), and the state of each abstract value (live, consumed — freed, put,
 * unlocked or moved — on every path or only some, escaped into code the checker cannot see), the
 * contents of tracked objects, arrays and Maps by access path, and the memory object each handle
 * stands on (so a view goes stale when its owner is freed, and a folio when its last known
 * reference is put).
 *
 * States are values: every change makes a new map (copy on write); two paths meet with
 * {@link join}.
 *
 * @module
 */
import type { ts } from './ts.js';
import type { ConsumeKind } from './api.js';

/** An abstract value: a set of atom ids, sorted. */
export type Val = readonly number[];

/** The atom of `null` / `undefined`. */
export const NULL = 0;
/** The atom of any value the checker does not track. */
export const UNKNOWN = 1;
export const V_NULL: Val = [NULL];
export const V_UNKNOWN: Val = [UNKNOWN];
export const V_NONE: Val = [];

/** Where a handle was consumed. */
export interface Cons {
  /** On every path ('yes') or only on some ('maybe'). */
  readonly must: boolean;
  readonly kind: ConsumeKind;
  /** Line (1-based) of the consuming call in the analysed function. */
  readonly line: number;
  /** The memdesc function (or assertion function) that consumed it, e.g. 'freePage'. */
  readonly by: string;
  /** Helpers the consumption went through, outermost first. */
  readonly via: readonly string[];
  /** Ids of the analysis frames active when it happened (to report where use and consumption meet). */
  readonly frames?: readonly number[];
  /** Set when the consumption happened inside a helper or closure whose result the caller got back. */
  readonly inside?: string;
  /** The helper that took the handle over: it freed it on some paths and kept it on the others. */
  readonly orKept?: string;
}

/** The flow-dependent state of one atom. */
export interface AtomState {
  /** Consumed (freed, put, unlocked, moved). */
  readonly cons?: Cons;
  /** Seen by code the checker cannot follow: say nothing about it from then on. */
  readonly esc?: true;
  /** Null-ness of an allocation result: 0 not null, 1 maybe, 2 null (the allocation failed). */
  readonly nul?: 0 | 1 | 2;
  /** Existence: 2 on every path, 1 on some (created on one branch only). */
  readonly ex?: 1 | 2;
  /** The atom whose memory object this handle stands on (views, extra references). */
  readonly base?: number;
  /** Known reference count of the memory object this atom is the base of. */
  readonly refs?: number;
  /** The memory object was freed (its last reference put, or its owner freed). */
  readonly freed?: Cons;
  /** Fields / elements by key. */
  readonly fields?: ReadonlyMap<string, Val>;
  /** Stored into a place that outlives the function (no leak). */
  readonly stored?: true;
  /** The line where its last reference was dropped (an overwrite, a Map delete). */
  readonly dropped?: number;
  /** A local array's length, when every push and index is known. */
  readonly len?: number;
  /** The handles an element read from a container may be (this atom stands for one of them). */
  readonly alts?: Val;
  /**
   * What a container still holds after elements were taken out of it at places the checker cannot
   * count (shift/pop of an array of unknown length): each of `alts` may or may not be there, so a
   * use or consumption through it decides nothing.
   */
  readonly unsure?: true;
}

/** A static description of an atom (the same on every path). */
export interface AtomInfo {
  readonly id: number;
  readonly kind: 'ref' | 'func' | 'obj';
  /** How messages name it: the variable it was first bound to, or its access path. */
  name: string;
  /** A resource allocated in the analysis (leaks are tracked for it). */
  readonly fresh: boolean;
  /** What it is ('page', 'folio', 'kmalloc() memory', …) when known. */
  readonly what?: string;
  /** The call that made it ('allocPage()'), and where. */
  readonly madeBy?: string;
  /** The allocating call itself (wherever it is: a helper, a constructor). */
  readonly allocNode?: ts.Node;
  readonly line?: number;
  /** Represents more than one run-time value (an older instance from an earlier loop iteration). */
  readonly many?: boolean;
  /** The function a `func` atom stands for. */
  readonly fn?: ts.SignatureDeclaration;
  /** Inline depth of the frame that created it. */
  readonly depth: number;
  /** The recency twin: the older-instance atom of an allocation site. */
  old?: number;
  /** A symbolic atom: stands for what a root path held on entry. */
  readonly symbolic?: boolean;
  /** The key of a lazily made child: `${parent}.${key}`. */
  readonly childKey?: string;
  /** An instance of a user class (`new C()`). */
  readonly instance?: boolean;
  /** A local container made by an array literal, `new Map()` / `new Set()`. */
  readonly container?: 'array' | 'map' | 'set' | 'object';
  /** A list_lru made by `listLruInit`: its items, in order, as an array's. */
  readonly lru?: boolean;
}

/** Work started before an `await` in a callee, to be checked when the caller next awaits. */
export interface Pending {
  readonly run: (s: State) => State;
  /** The same effect registered twice (by two passes over a loop) runs once. */
  readonly key?: string;
}

export class State {
  constructor(
    /** Variables (any frame), by symbol. */
    readonly env: ReadonlyMap<ts.Symbol, Val>,
    /** Atom states. */
    readonly atoms: ReadonlyMap<number, AtomState>,
    /** Continuations started before an `await`. */
    readonly pending: readonly Pending[] = [],
    /** Whether this point runs after an `await` of the analysed async function: 0 no, 1 maybe, 2 yes. */
    readonly susp: 0 | 1 | 2 = 0,
    /** On every path here an allocation just failed (a `null` test took the failure branch). */
    readonly oom = false,
    /** Conditions known on this path (by their text): a branch taken on a variable stays taken. */
    readonly facts: ReadonlyMap<string, Fact> = NO_FACTS,
  ) {}

  static empty(): State {
    return new State(new Map(), new Map());
  }

  val(sym: ts.Symbol): Val | undefined {
    return this.env.get(sym);
  }
  atom(id: number): AtomState {
    return this.atoms.get(id) ?? EMPTY;
  }
  setVar(sym: ts.Symbol, v: Val): State {
    if (this.env.get(sym) === v) return this;
    const env = new Map(this.env);
    env.set(sym, v);
    return new State(env, this.atoms, this.pending, this.susp, this.oom, this.facts);
  }
  delVars(syms: Iterable<ts.Symbol>): State {
    let env: Map<ts.Symbol, Val> | null = null;
    for (const s of syms) {
      if (this.env.has(s)) {
        env ??= new Map(this.env);
        env.delete(s);
      }
    }
    return env ? new State(env, this.atoms, this.pending, this.susp, this.oom, this.facts) : this;
  }
  setAtom(id: number, st: AtomState): State {
    const atoms = new Map(this.atoms);
    atoms.set(id, st);
    return new State(this.env, atoms, this.pending, this.susp, this.oom, this.facts);
  }
  update(id: number, patch: Partial<AtomState>): State {
    return this.setAtom(id, { ...this.atom(id), ...patch });
  }
  withPending(p: readonly Pending[]): State {
    return new State(this.env, this.atoms, p, this.susp, this.oom, this.facts);
  }
  withSusp(s: 0 | 1 | 2): State {
    return new State(this.env, this.atoms, this.pending, s, this.oom, this.facts);
  }
  withOom(oom: boolean): State {
    return oom === this.oom ? this : new State(this.env, this.atoms, this.pending, this.susp, oom, this.facts);
  }
  withFact(key: string, value: Fact | null): State {
    if (value === null && !this.facts.has(key)) return this;
    const f = new Map(this.facts);
    if (value === null) f.delete(key);
    else f.set(key, value);
    return new State(this.env, this.atoms, this.pending, this.susp, this.oom, f);
  }
  field(id: number, key: string): Val | undefined {
    return this.atom(id).fields?.get(key);
  }
  setField(id: number, key: string, v: Val): State {
    const st = this.atom(id);
    const fields = new Map(st.fields ?? []);
    fields.set(key, v);
    return this.setAtom(id, { ...st, fields });
  }
  /** Replaces atom ids everywhere (recency: the newest instance becomes an older one). */
  rename(map: ReadonlyMap<number, number>): State {
    const r = (v: Val): Val => renameVal(v, map);
    const env = new Map<ts.Symbol, Val>();
    for (const [k, v] of this.env) env.set(k, r(v));
    let atoms = new Map<number, AtomState>();
    for (const [id, st0] of this.atoms) {
      let st = st0;
      if (st.fields) {
        const f = new Map<string, Val>();
        for (const [k, v] of st.fields) f.set(k, r(v));
        st = { ...st, fields: f };
      }
      if (st.base !== undefined && map.has(st.base)) st = { ...st, base: map.get(st.base)! };
      if (st.alts && st.alts.some((a) => map.has(a))) st = { ...st, alts: r(st.alts) };
      const to = map.get(id);
      if (to !== undefined) {
        const prev = atoms.get(to) ?? this.atoms.get(to);
        st = prev && !map.has(to) ? joinAtom(prev, st) : st;
        atoms.set(to, st);
      } else if (!atoms.has(id)) atoms.set(id, st);
      else atoms.set(id, joinAtom(atoms.get(id)!, st));
    }
    for (const id of map.keys()) if (!this.atoms.has(id)) atoms.delete(id);
    atoms = atoms;
    // Constants known of a renamed atom's fields belonged to the newest instance only.
    let facts = this.facts;
    if (facts.size && [...facts.keys()].some((k) => k.startsWith('#f:') && map.has(Number(k.slice(3, k.indexOf(':', 3)))))) {
      const f = new Map(facts);
      for (const k of facts.keys()) if (k.startsWith('#f:') && map.has(Number(k.slice(3, k.indexOf(':', 3))))) f.delete(k);
      facts = f;
    }
    return new State(env, atoms, this.pending, this.susp, this.oom, facts);
  }
}

/** A value with atoms replaced as {@link State.rename} replaces them. */
export function renameVal(v: Val, map: ReadonlyMap<number, number>): Val {
  return v.some((a) => map.has(a)) ? union(v.map((a) => map.get(a) ?? a), V_NONE) : v;
}

const EMPTY: AtomState = {};
const NO_FACTS: ReadonlyMap<string, Fact> = new Map();

/**
 * What a path knows: a condition's outcome, by its text (`fresh`, `dev.setup`), or a constant a
 * variable or field holds (`#v:<symbol>`, `#f:<atom>:<field>`: numbers and strings the checker
 * computed, so `this.free.length >= this.max` is decided where `max` was set to 0).
 */
export type Fact = boolean | number | string;

/** The union of two values. */
export function union(a: Val, b: Val): Val {
  if (a === b || b.length === 0) return a.length > 1 ? dedupe(a) : a;
  if (a.length === 0) return dedupe(b);
  return dedupe([...a, ...b]);
}

function dedupe(a: readonly number[]): Val {
  const s = [...new Set(a)].sort((x, y) => x - y);
  return s;
}

export function sameVal(a: Val | undefined, b: Val | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function joinCons(a: Cons | undefined, b: Cons | undefined): Cons | undefined {
  if (!a && !b) return undefined;
  if (a && b) return a.must && b.must ? a : { ...a, must: false };
  return { ...(a ?? b)!, must: false };
}

const EMPTY_FIELDS: ReadonlyMap<string, Val> = new Map();

/** Two paths' states of one atom, joined (`sym`: a symbolic atom, whose missing fields are not yet read). */
export function joinAtom(a: AtomState, b: AtomState, sym = false): AtomState {
  if (a === b) return a;
  // On a path where an allocation result is null there is no handle: the other path decides.
  if (a.nul === 2 && b.nul !== 2) return { ...b, nul: 1 };
  if (b.nul === 2 && a.nul !== 2) return { ...a, nul: 1 };
  const cons = joinCons(a.cons, b.cons);
  const freed = joinCons(a.freed, b.freed);
  let fields: Map<string, Val> | undefined;
  if (a.fields || b.fields) {
    fields = new Map<string, Val>();
    const fa = a.fields ?? EMPTY_FIELDS;
    const fb = b.fields ?? EMPTY_FIELDS;
    let star: Val = V_NONE;
    for (const [k, v] of fa) {
      const w = fb.get(k);
      if (w) fields.set(k, union(v, w));
      else if (k.startsWith('[')) star = union(star, v);
      else fields.set(k, sym ? v : union(v, V_NULL));
    }
    for (const [k, v] of fb) {
      if (fa.has(k)) continue;
      if (k.startsWith('[')) star = union(star, v);
      else fields.set(k, sym ? v : union(v, V_NULL));
    }
    // An entry known on one path only (deleted or set on the other): the container holds it somewhere.
    if (star.length && !sym) fields.set('[*]', union(fields.get('[*]') ?? V_NONE, star));
  }
  const nul = a.nul === b.nul ? a.nul : 1;
  const out: AtomState = {
    ...(cons ? { cons } : {}),
    ...(freed ? { freed } : {}),
    ...(a.esc || b.esc ? { esc: true as const } : {}),
    ...(nul !== undefined ? { nul } : {}),
    ...(a.ex !== undefined || b.ex !== undefined ? { ex: a.ex === 2 && b.ex === 2 ? (2 as const) : (1 as const) } : {}),
    ...(a.base !== undefined ? { base: a.base } : b.base !== undefined ? { base: b.base } : {}),
    ...(a.refs !== undefined && a.refs === b.refs ? { refs: a.refs } : {}),
    ...(fields ? { fields } : {}),
    ...(a.stored || b.stored ? { stored: true as const } : {}),
    ...(a.dropped !== undefined || b.dropped !== undefined ? { dropped: (a.dropped ?? b.dropped)! } : {}),
    ...(a.len !== undefined && a.len === b.len ? { len: a.len } : {}),
    ...(a.alts || b.alts ? { alts: union(a.alts ?? V_NONE, b.alts ?? V_NONE) } : {}),
    ...(a.unsure || b.unsure ? { unsure: true as const } : {}),
  };
  return out;
}

function mayAtom(a: AtomState): AtomState {
  // An atom made on one path only: on the other it does not exist (and no variable holds it).
  return a.ex === 1 ? a : { ...a, ex: 1 };
}

let isSymbolic: (id: number) => boolean = () => false;
/** Tells joins which atoms are symbolic (their missing fields are unread, not absent). */
export function setSymbolicTest(f: (id: number) => boolean): void {
  isSymbolic = f;
}

/** Two paths meeting. `null` is an unreachable path. */
export function join(a: State | null, b: State | null): State | null {
  if (!a) return b;
  if (!b) return a;
  if (a === b) return a;
  // A path on which an allocation failed does not decide what holds where it meets one on which
  // allocations succeeded (the checker reports what happens when they succeed).
  if (a.oom !== b.oom) return a.oom ? b : a;
  const env = new Map(a.env);
  for (const [k, v] of b.env) {
    const w = env.get(k);
    if (w !== v) env.set(k, w ? union(w, v) : v);
  }
  const atoms = new Map<number, AtomState>();
  for (const [id, sa] of a.atoms) {
    const sb = b.atoms.get(id);
    atoms.set(id, sb === sa ? sa : sb ? joinAtom(sa, sb, isSymbolic(id)) : mayAtom(sa));
  }
  for (const [id, sb] of b.atoms) if (!a.atoms.has(id)) atoms.set(id, mayAtom(sb));
  const pending = a.pending === b.pending ? a.pending : [...new Set([...a.pending, ...b.pending])];
  const susp = a.susp === b.susp ? a.susp : 1;
  let facts: ReadonlyMap<string, Fact> = NO_FACTS;
  if (a.facts.size && b.facts.size) {
    const f = new Map<string, Fact>();
    for (const [k, v] of a.facts) if (b.facts.get(k) === v) f.set(k, v);
    facts = f;
  }
  return new State(env, atoms, pending, susp, a.oom && b.oom, facts);
}

function sameCons(a: Cons | undefined, b: Cons | undefined): boolean {
  return a === b || (!!a && !!b && a.must === b.must && a.line === b.line && a.kind === b.kind);
}

/** Whether two atom states are equal. */
export function sameAtom(a: AtomState, b: AtomState): boolean {
  if (a === b) return true;
  if (!sameCons(a.cons, b.cons) || !sameCons(a.freed, b.freed)) return false;
  if (!!a.esc !== !!b.esc || a.nul !== b.nul || a.ex !== b.ex || a.base !== b.base || a.refs !== b.refs || !!a.stored !== !!b.stored || a.len !== b.len) return false;
  if (!sameVal(a.alts, b.alts) && (a.alts?.length || b.alts?.length)) return false;
  const fa = a.fields;
  const fb = b.fields;
  if ((fa?.size ?? 0) !== (fb?.size ?? 0)) return false;
  if (fa) for (const [k, v] of fa) if (!sameVal(v, fb?.get(k))) return false;
  return true;
}

/** Whether two states are equal (a loop's fixpoint is reached). */
export function sameState(a: State | null, b: State | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.env.size !== b.env.size || a.atoms.size !== b.atoms.size || a.susp !== b.susp || a.pending.length !== b.pending.length) return false;
  for (const [k, v] of a.env) if (!sameVal(v, b.env.get(k))) return false;
  for (const [k, v] of a.atoms) {
    const w = b.atoms.get(k);
    if (!w || !sameAtom(v, w)) return false;
  }
  return true;
}
