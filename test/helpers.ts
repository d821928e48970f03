/**
 * Test helpers that look inside a Memory. Tests may; users go through the public API.
 */
import { expect } from 'vitest';
import { MmError, type Memory, type MmErrorCode } from '../src/index.js';
import { MemoryHandle, type MemoryImpl } from '../src/page-alloc/memory.js';

export function impl(mem: Memory): MemoryImpl {
  const m = MemoryHandle.impl(mem);
  if (m === undefined) throw new Error('not a Memory');
  return m;
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
