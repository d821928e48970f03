/**
 * A bounce page freed on some paths only is declared PageVar and reassigned before any further use.
 *
 * Kernel: a bounce page replaced when a segment needs a different zone.
 * Protocol: PageVar keeps "maybe freed" across the branch; every path that frees
 * reassigns before the next use.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type PageVar } from 'memdesc';

export function run(mem: Memory): void {
  const first = allocPage(mem, GFP_KERNEL);
  if (first === null) return;
  let bounce: PageVar<0> = first;
  const needsHighmem = [true, false, true];
  for (const hi of needsHighmem) {
    if (hi) {
      freePage(bounce);
      const next = allocPage(mem, GFP_KERNEL);
      if (next === null) return;
      bounce = next;
    }
    writeRaw(bounce, new Uint8Array([hi ? 1 : 0]), 0);
  }
  freePage(bounce);
}
