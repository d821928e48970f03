/** A module's per-CPU scratch pages, each CPU's slot guarded by one spinlock. */
import { allocPage, freePage, spinLockInit, withSpinLock, GFP_KERNEL, GFP_ATOMIC, type AllocContext, type Memory, type Owned, type Page, type SpinLock } from 'memdesc';

export const NR_CPUS = 4;

export interface CpuScratch {
  readonly cpu: number;
  page: Owned<Page<0>> | null;
}

export class PcpuScratch {
  readonly lock: SpinLock;
  readonly cpus: CpuScratch[];

  constructor(mem: Memory) {
    this.lock = spinLockInit(mem, 'scratch_lock');
    this.cpus = Array.from({ length: NR_CPUS }, (_, cpu) => ({ cpu, page: null }));
  }

  slot(cpu: number): CpuScratch {
    const s = this.cpus[cpu];
    if (s === undefined) throw new Error(`no cpu ${cpu}`);
    return s;
  }

  /** Frees every CPU's page (module exit, process context). */
  teardown(): void {
    withSpinLock(this.lock, () => {
      for (const s of this.cpus) {
        const p = s.page;
        s.page = null;
        if (p !== null) freePage(p);
      }
    });
  }
}

/** Fills an empty slot from process context: GFP_KERNEL, may sleep. Never call it under the lock. */
export function scratchFill(mem: Memory, s: CpuScratch): boolean {
  if (s.page !== null) return true;
  const p = allocPage(mem, GFP_KERNEL);
  if (p === null) return false;
  s.page = p;
  return true;
}

/** Fills an empty slot with an atomic allocation: fine under the lock. */
export function scratchFillAtomic(ctx: AllocContext, s: CpuScratch): boolean {
  if (s.page !== null) return true;
  const p = allocPage(ctx, GFP_ATOMIC);
  if (p === null) return false;
  s.page = p;
  return true;
}

/** Empties a slot, freeing its page. */
export function scratchDrop(s: CpuScratch): void {
  const p = s.page;
  s.page = null;
  if (p !== null) freePage(p);
}
