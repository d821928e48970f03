/**
 * A helper allocates and returns a bounce buffer: ownership goes to the caller, which frees it.
 *
 * Kernel: a bounce buffer prepared by a helper for the request that will own it.
 * Protocol: returning an owned handle hands ownership to the caller: the helper
 * does not leak it, the caller frees it.
 */
import { writeRaw, type Memory, type Owned, type Page } from 'memdesc';
import { allocBounce, freeBounce } from '../lib/blkq.js';

function prepareBounce(mem: Memory, data: Uint8Array): Owned<Page<2>> | null {
  const b = allocBounce(mem);
  if (b === null) return null;
  writeRaw(b, data, 0);
  return b; // returned: not a leak
}

export function run(mem: Memory): void {
  const b = prepareBounce(mem, new Uint8Array([1, 2, 3]));
  if (b !== null) freeBounce(b);
}
