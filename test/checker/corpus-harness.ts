/**
 * Shared by the checker corpora's suites (corpus.test.ts, outside.test.ts): reading the `// expect:`
 * markers of a corpus's programs, and running a program on a fresh machine to prove its misuse is a
 * real bug (its MmError thrown from the marked line; a leak found by `checkLeaks` at an allocation
 * on the marked line) or that a correct program runs clean.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { checkLeaks, createMemory, liveAllocations, MmError, verifyMemory, type Memory, type MmErrorCode } from 'memdesc';

export type Kind = 'use-after-free' | 'double-free' | 'use-after-move' | 'leak' | 'sleep-in-atomic' | 'free-while-mapped';

/** The MmError each kind throws at run time (a leak: from `checkLeaks` after the program ran). */
export const CODE_OF: Record<Kind, MmErrorCode> = {
  'use-after-free': 'USE_AFTER_FREE',
  'double-free': 'DOUBLE_FREE',
  'use-after-move': 'USE_AFTER_FREE',
  leak: 'LEAK',
  'sleep-in-atomic': 'SLEEP_IN_ATOMIC',
  'free-while-mapped': 'BAD_PAGE_STATE',
};
export const KINDS = Object.keys(CODE_OF) as Kind[];

export interface Misuse {
  line: number;
  kind: Kind;
  also: number[];
}

export interface Program {
  name: string;
  path: string;
  misuses: Misuse[];
}

const MARKER = /\/\/\s*(expect|expect-also):\s*(\S+)\s*$/;
const LOOSE = /\/\/.*\bexpect(-also)?\s*:/;

/** Markers of one file, as scripts/score-checker.mjs reads them (the suite checks they agree). */
export function parseMarkers(path: string): { misuses: Misuse[]; errors: string[] } {
  const primaries: { line: number; kind: Kind }[] = [];
  const also: { line: number; kind: Kind }[] = [];
  const errors: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = MARKER.exec(text);
      if (m === null) {
        if (LOOSE.test(text)) errors.push(`line ${i + 1}: malformed marker`);
        return;
      }
      const kind = m[2] as Kind;
      if (!KINDS.includes(kind)) errors.push(`line ${i + 1}: unknown kind ${kind}`);
      else (m[1] === 'expect' ? primaries : also).push({ line: i + 1, kind });
    });
  for (const a of also) if (!primaries.some((p) => p.kind === a.kind)) errors.push(`line ${a.line}: expect-also without expect`);
  return { misuses: primaries.map((p) => ({ ...p, also: also.filter((a) => a.kind === p.kind).map((a) => a.line) })), errors };
}

export function programsIn(corpusDir: string, dir: string): Program[] {
  return readdirSync(join(corpusDir, dir))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((name) => {
      const path = join(corpusDir, dir, name);
      return { name, path, misuses: parseMarkers(path).misuses };
    });
}

type RunFn = (mem: Memory) => void | Promise<void>;

async function load(program: Program): Promise<RunFn> {
  const mod = (await import(pathToFileURL(program.path).href)) as { run?: unknown };
  if (typeof mod.run !== 'function') throw new Error(`${program.name} does not export run()`);
  return mod.run as RunFn;
}

/** Runs a program on a fresh machine; returns what it threw (undefined if nothing) and the machine. */
export async function runProgram(program: Program, stacks = false): Promise<{ mem: Memory; thrown: unknown }> {
  const run = await load(program);
  // With stacks, a leak is traced back to the program's marked line by page_owner's allocation stack.
  const mem = createMemory({ printk: null, pageOwnerStacks: stacks });
  try {
    await run(mem);
    return { mem, thrown: undefined };
  } catch (e) {
    return { mem, thrown: e };
  }
}

/** `file:line:` of the program's marked lines, as they appear in a V8 stack. */
function sites(program: Program, m: Misuse): string[] {
  return [m.line, ...m.also].map((l) => `${program.path}:${l}:`);
}

/** Asserts the program's misuse is caught by the runtime, from the marked line. */
export async function expectCaught(program: Program, referenceLeaks: ReadonlySet<string> = new Set()): Promise<void> {
  const m = program.misuses[0]!;
  const { mem, thrown } = await runProgram(program, m.kind === 'leak');
  if (m.kind === 'leak') {
    expect(thrown, `${program.name} threw instead of leaking`).toBeUndefined();
    let leak: unknown;
    try {
      checkLeaks(mem);
    } catch (e) {
      leak = e;
    }
    expect(leak, `${program.name}: checkLeaks found nothing`).toBeInstanceOf(MmError);
    expect((leak as MmError).code).toBe('LEAK');
    const stacks = liveAllocations(mem).map((a) => a.stack);
    if (referenceLeaks.has(program.name)) {
      // The folio outlives the cache that held it: only a reference taken by the program keeps it.
      expect(stacks.some((s) => s.includes(program.path)), `${program.name}: the leaked folio was not allocated by the program`).toBe(true);
    } else {
      const want = sites(program, m);
      expect(
        stacks.some((s) => want.some((w) => s.includes(w))),
        `${program.name}: no leaked allocation comes from line ${[m.line, ...m.also].join('/')}:\n${stacks.join('\n---\n')}`,
      ).toBe(true);
    }
    return;
  }
  expect(thrown, `${program.name}: nothing thrown`).toBeInstanceOf(MmError);
  const err = thrown as MmError;
  expect(err.code, `${program.name}: ${err.message.split('\n')[0]}`).toBe(CODE_OF[m.kind]);
  // The frames only: the message itself quotes page_owner's allocation and free sites.
  const stack = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .join('\n');
  const want = sites(program, m);
  expect(
    want.some((w) => stack.includes(w)),
    `${program.name}: the MmError was not thrown from line ${[m.line, ...m.also].join('/')}:\n${stack}`,
  ).toBe(true);
  verifyMemory(mem); // the refused call changed nothing
}


/** Asserts a correct program runs without an error and leaves nothing allocated. */
export async function expectClean(program: Program): Promise<void> {
  const { mem, thrown } = await runProgram(program);
  expect(thrown, `${program.name} threw: ${thrown instanceof Error ? thrown.message.split('\n')[0] : String(thrown)}`).toBeUndefined();
  expect(liveAllocations(mem)).toEqual([]);
  checkLeaks(mem);
  verifyMemory(mem);
}
