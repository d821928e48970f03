// hugetlb: fault reserved folios into a VMA, then unmap them back to the pool.
import { folioLock, folioUnlock, fillZeroRaw, type Memory } from 'memdesc';
import { HugePool, type HugeFolio } from '../lib/hugetlb.js';

function faultIn(pool: HugePool, vma: HugeFolio[], nr: number): void {
  for (let i = 0; i < nr; i++) {
    const folio = pool.dequeue();
    if (!folio) break;
    const locked = folioLock(folio);
    fillZeroRaw(locked, 0, 4096);
    folioUnlock(locked);
    vma.push(folio);
  }
}

function unmapVma(pool: HugePool, vma: HugeFolio[]): void {
  for (const folio of vma) {
    pool.enqueue(folio);
  }
  vma.length = 0;
}

export function run(mem: Memory): void {
  const pool = new HugePool(mem);
  pool.grow(3);
  if (!pool.reserve(2)) return pool.shrink();
  const vma: HugeFolio[] = [];
  faultIn(pool, vma, 2);
  unmapVma(pool, vma);
  pool.shrink();
}
