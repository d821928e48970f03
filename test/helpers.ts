/**
 * Test helpers that look inside a Memory. Tests may; users go through the public API.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { MmError, type Memory, type MmErrorCode } from '../src/index.js';
import { MemoryImpl } from '../src/page-alloc/memory.js';

export function impl(mem: Memory): MemoryImpl {
  if (!MemoryImpl.is(mem)) throw new Error('not a Memory');
  return mem;
}

/** Everything observable about the allocator, to prove a failed call changed nothing. */
export function snapshot(mem: Memory): unknown {
  const m = impl(mem);
  return {
    kind: Array.from(m.map.kind),
    order: Array.from(m.map.order),
    flags: Array.from(m.map.flags),
    gen: Array.from(m.map.gen),
    u0: Array.from(m.map.u0),
    u1: Array.from(m.map.u1),
    zones: m.zones.map((z) => ({
      free: z.freePages,
      nrFree: Array.from(z.nrFree),
      head: Array.from(z.freeHead),
      tail: Array.from(z.freeTail),
      pcp: Array.from({ length: z.pcpCount }, (_, i) => z.pcp[(z.pcpBottom + i) & z.pcpMask]),
    })),
    stat: { ...m.stat },
    live: m.liveAllocations,
    clock: m.clock,
    contents: [...m.contents.entries()].map(([k, v]) => [k, Array.from(v)]),
    fail: { ...m.fail },
  };
}

/** Runs `fn`, expects an MmError with `code`, and checks the allocator is exactly as before. */
export function expectMmError(mem: Memory, code: MmErrorCode, fn: () => unknown): MmError {
  const before = snapshot(mem);
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected MmError ${code}`).toBeInstanceOf(MmError);
  const err = caught as MmError;
  expect(err.code).toBe(code);
  expect(snapshot(mem)).toEqual(before);
  return err;
}

export const quiet = { printk: null } as const;

/**
 * What {@link snapshot} sees, as one short string: a digest of the memmap, the free lists, the
 * per-CPU lists and the page contents, plus the counters, clock and fault-injection state. Cheap
 * enough to take around thousands of calls (the hostile-argument sweep).
 */
export function fingerprint(mem: Memory): string {
  const m = impl(mem);
  const h = createHash('sha1');
  const add = (a: ArrayBufferView) => h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  for (const a of [m.map.kind, m.map.order, m.map.flags, m.map.gen, m.map.u0, m.map.u1]) add(a);
  const zones: unknown[] = [];
  for (const z of m.zones) {
    add(z.nrFree);
    add(z.freeHead);
    add(z.freeTail);
    const pcp = new Int32Array(z.pcpCount);
    for (let i = 0; i < z.pcpCount; i++) pcp[i] = z.pcp[(z.pcpBottom + i) & z.pcpMask]!;
    add(pcp);
    zones.push(z.freePages);
  }
  const pfns = [...m.contents.keys()].sort((a, b) => a - b);
  for (const pfn of pfns) add(m.contents.get(pfn)!);
  return h.digest('hex') + JSON.stringify({ zones, pfns, stat: m.stat, live: m.liveAllocations, clock: m.clock, fail: { ...m.fail } });
}
