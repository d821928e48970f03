/**
 * A short-lived scratch page with `using`: freed at the end of the scope on every path out.
 *
 * Kernel: a short-lived scratch page for a checksum, scoped to one call.
 * Protocol: `using` frees the page at the end of the scope on every path out,
 * including the early return for empty input.
 */
import { allocPage, fillZeroRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

function crc(mem: Memory, data: Uint8Array): number {
  using scratch = allocPage(mem, GFP_KERNEL);
  if (scratch === null) return -1;
  if (data.length === 0) return 0; // early return: `using` frees it
  fillZeroRaw(scratch, 0, 64);
  const b = new Uint8Array(4);
  readRaw(scratch, b, 0);
  let c = b[0]!;
  for (const x of data) c = (c * 31 + x) & 0xffff;
  return c;
}

export function run(mem: Memory): void {
  crc(mem, new Uint8Array([1, 2, 3]));
  crc(mem, new Uint8Array(0));
}
