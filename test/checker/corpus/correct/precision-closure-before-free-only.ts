/**
 * A debug closure over a page is called while the page lives; after the free it is never called again.
 *
 * Kernel: a debug dump helper bound to a DMA page, used during bring-up only.
 * Protocol: a closure that captures a page is harmless after the free as long as it
 * is not called again.
 */
import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  const dump = (): number => {
    const b = new Uint8Array(1);
    readRaw(page, b, 0);
    return b[0]!;
  };
  const before = [dump(), dump()];
  freePage(page);
  if (before[0] !== before[1]) throw new Error('unstable');
}
