// A khugepaged-like scanner over a file's page cache (index -> small folio). Every aligned run of
// four present folios is collapsed into one order-2 folio, which consumed the run's references.
import type { Memory } from 'memdesc';
import { folioAlloc, folioPut, GFP_KERNEL } from 'memdesc';
import { collapseFolios, fillSmall, HPAGE_NR, type SmallFolio, type HugeFolio } from '../lib/khugepaged.js';

class FileCache {
  readonly small = new Map<number, SmallFolio>();
  readonly huge = new Map<number, HugeFolio>();
  release(): void {
    for (const f of this.small.values()) folioPut(f);
    for (const f of this.huge.values()) folioPut(f);
    this.small.clear();
    this.huge.clear();
  }
}

function scanRun(mem: Memory, cache: FileCache, base: number): 'collapsed' | 'skipped' {
  const run: SmallFolio[] = [];
  for (let i = base; i < base + HPAGE_NR; i++) {
    const f = cache.small.get(i);
    if (f === undefined) return 'skipped';
    run.push(f);
  }
  const result = collapseFolios(mem, run);
  switch (result.status) {
    case 'collapsed':
      cache.huge.set(base, result.huge);
      break;
    case 'no-memory':
    case 'not-aligned':
      return 'skipped';
  }
  for (let i = base; i < base + HPAGE_NR; i++) cache.small.delete(i);
  return 'collapsed';
}

export function run(mem: Memory): void {
  const cache = new FileCache();
  for (const idx of [0, 1, 2, 3, 4, 5, 7]) {
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (f === null) throw new Error('ENOMEM');
    fillSmall(f, idx);
    cache.small.set(idx, f);
  }
  let collapsed = 0;
  for (let base = 0; base < 8; base += HPAGE_NR) if (scanRun(mem, cache, base) === 'collapsed') collapsed++;
  console.log(`khugepaged: collapsed ${collapsed}, ${cache.small.size} small left`);
  cache.release();
}
