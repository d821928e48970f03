// A sound PCM ring buffer: vmalloc'd, written period by period through kmap of each page.
import { vmalloc, vfree, vmallocPageIter, withPageMapped, PAGE_SIZE, type Memory, type VmallocArea } from 'memdesc';

export const PERIODS = 4;

export function pcmBufferAlloc(mem: Memory): VmallocArea | null {
  return vmalloc(mem, PERIODS * PAGE_SIZE);
}

export function pcmFillSilence(area: VmallocArea): number {
  let n = 0;
  for (const page of vmallocPageIter(area)) {
    withPageMapped(page, (view) => { view.fill(0); });
    n++;
  }
  return n;
}

export function pcmBufferFree(area: VmallocArea): void {
  vfree(area);
}
