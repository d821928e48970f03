/**
 * Two tx bounce pages; the ternary picks the victim to free, the other name is used after.
 *
 * Kernel: tx bounce buffers sized by the MTU; the one not needed is released at open.
 * Protocol: after `victim` is freed, only `keep` names a live buffer, whatever the
 * ternaries chose; the original names must not be used again.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const small = allocPage(mem, GFP_KERNEL);
  const large = allocPage(mem, GFP_KERNEL);
  if (small === null || large === null) {
    if (small !== null) freePage(small);
    if (large !== null) freePage(large);
    return;
  }
  const mtu = 1500;
  const victim = mtu > 1024 ? small : large; // only the large buffer is needed
  const keep = mtu > 1024 ? large : small;
  freePage(victim);
  writeRaw(small, new Uint8Array(64), 0); // expect: use-after-free
  freePage(keep);
}
