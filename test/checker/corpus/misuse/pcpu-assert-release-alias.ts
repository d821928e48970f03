/**
 * An assertion-signature helper frees the scratch page; the copy kept in the per-CPU record is used after.
 *
 * Kernel: per-CPU scratch buffers of a crypto module, released at CPU offline.
 * Protocol: releaseScratch() has an assertion signature, so the variable it frees is dead
 * to the compiler; copies of the handle in records must be cleared first.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Consumed, type Live, type Memory, type Owned, type Page } from 'memdesc';

interface CpuRecord {
  readonly cpu: number;
  scratch: Owned<Page<0>> | null;
}

function releaseScratch<P extends Owned<Page<0>> & Live>(page: P): asserts page is P & Consumed {
  freePage(page);
}

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  const rec: CpuRecord = { cpu: 0, scratch: page };
  releaseScratch(page); // the compiler now knows `page` is dead, not `rec.scratch`
  if (rec.scratch !== null) writeRaw(rec.scratch, new Uint8Array([0]), 0); // expect: use-after-free
}
