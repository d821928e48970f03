// A uffd monitor that resolves faults from a compressed image: the range's fault lock serialises
// handlers, and a per-monitor bounce buffer holds the decompressed page before UFFDIO_COPY.
import {
  spinLockInit, withSpinLock, vmalloc, vfree, writeRaw, readRaw, PAGE_SIZE,
  type Memory, type SpinLock, type VmallocArea,
} from 'memdesc';
import { UffdRange, uffdCopy } from '../lib/uffd.js';

class Monitor {
  readonly lock: SpinLock;
  private bounce: VmallocArea | null = null;
  constructor(readonly mem: Memory, readonly range: UffdRange) {
    this.lock = spinLockInit(mem, 'uffd_fault_lock');
  }

  private bounceBuffer(): VmallocArea | null {
    if (this.bounce === null) this.bounce = vmalloc(this.mem, 4 * PAGE_SIZE);
    return this.bounce;
  }

  /** Decompresses (here: expands a byte) into the bounce buffer under the fault lock. */
  stage(idx: number, seed: number): Uint8Array | null {
    const buf = this.bounceBuffer(); // vmalloc may sleep: set up before taking the lock
    if (buf === null) return null;
    return withSpinLock(this.lock, () => {
      writeRaw(buf, new Uint8Array(PAGE_SIZE).fill(seed + idx), 0);
      const out = new Uint8Array(PAGE_SIZE);
      readRaw(buf, out, 0);
      return out;
    });
  }

  close(): void {
    if (this.bounce !== null) vfree(this.bounce);
    this.bounce = null;
    this.range.release();
  }
}

export function run(mem: Memory): void {
  const mon = new Monitor(mem, new UffdRange(mem, 4));
  for (const idx of [0, 2, 3]) {
    const data = mon.stage(idx, 0x10);
    if (data !== null) uffdCopy(mon.range, idx, data);
  }
  console.log(`uffd monitor: ${mon.range.populated} resolved`);
  mon.close();
}
