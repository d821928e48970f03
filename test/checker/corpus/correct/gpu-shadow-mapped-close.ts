/**
 * A crash dump kmaps the shadow's first page, copies it, and closes the shadow after unmapping.
 *
 * Kernel: devcoredump copies a vmalloc'd shadow of GPU state for a crash report.
 * Protocol: vfree() of the shadow must wait until its pages are unmapped; the dump
 * copies inside the mapping and releases the shadow after it.
 */
import { vmallocToPage, withPageMapped, type Memory } from 'memdesc';
import { ShadowBuf } from '../lib/gpu-bo.js';

function dumpAndRelease(shadow: ShadowBuf, out: number[]): void {
  withPageMapped(vmallocToPage(shadow.area), (view) => {
    for (let i = 0; i < 8; i++) out.push(view[i]!);
  });
  shadow.close();
}

export function run(mem: Memory): void {
  const shadow = ShadowBuf.create(mem, 2 * 4096);
  if (shadow === null) return;
  const out: number[] = [];
  dumpAndRelease(shadow, out);
}
