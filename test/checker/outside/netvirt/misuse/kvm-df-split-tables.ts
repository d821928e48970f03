import { pagetableAlloc, pagetableFree, GFP_KERNEL, __GFP_ZERO, gfp, type Memory } from 'memdesc';
import { writeEntry, type Table } from '../lib/kvm-mmu.js';

/** A huge-page split: a new PTE table per 2M region, collected for a single teardown. */
class SplitJob {
  readonly made: Table[] = [];
  constructor(readonly mem: Memory) {}
  splitOne(): Table | null {
    const t = pagetableAlloc(this.mem, gfp(GFP_KERNEL, __GFP_ZERO), 0);
    if (t === null) return null;
    for (let i = 0; i < 4; i++) writeEntry(t, i, 0x200 + i);
    this.made.push(t);
    return t;
  }
  /** Undo after a failed split: frees every table made so far. */
  abort(): void {
    for (const t of this.made) pagetableFree(t); // expect: double-free
    this.made.length = 0;
  }
}

export function run(mem: Memory): void {
  const job = new SplitJob(mem);
  const first = job.splitOne();
  const second = job.splitOne();
  if (first === null || second === null) {
    job.abort();
    return;
  }
  // The second region turned out to be mapped by a 1G page: its table is dropped at once.
  pagetableFree(second); // expect-also: double-free
  job.abort();
}
