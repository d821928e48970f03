/**
 * The ternary picks which of two buffers to free first; the inverse ternary frees the other.
 *
 * Kernel: rx and tx bounce buffers released at close, in an order chosen at run time.
 * Protocol: `first` and `second` name the two buffers in some order; each is freed
 * once, through exactly one of the names.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const rx = allocPage(mem, GFP_KERNEL);
  const tx = allocPage(mem, GFP_KERNEL);
  if (rx === null || tx === null) {
    if (rx !== null) freePage(rx);
    if (tx !== null) freePage(tx);
    return;
  }
  const rxIdle = true;
  const first = rxIdle ? rx : tx;
  const second = rxIdle ? tx : rx;
  writeRaw(second, new Uint8Array([1]), 0);
  freePage(first);
  freePage(second);
}
