/** Block metadata freed on each branch of an if/else chain, and by the early exit. */
import { memdescAddress, readRaw, type Memory } from 'memdesc';
import { allocBlkMeta, freeBlkMeta } from '../lib/shdesc.js';

function check(mem: Memory, op: 'read' | 'write' | 'discard'): number {
  const meta = allocBlkMeta(mem);
  if (meta === null) return -12;
  if (op === 'discard') {
    freeBlkMeta(meta); // discards carry no integrity data
    return 0;
  }
  const tag = new Uint8Array(2);
  readRaw(memdescAddress(meta), tag, 0);
  if (op === 'read') {
    freeBlkMeta(meta);
    return tag[0]!;
  } else {
    freeBlkMeta(meta);
    return tag[1]!;
  }
}

export function run(mem: Memory): void {
  for (const op of ['read', 'write', 'discard'] as const) check(mem, op);
}
