// ib_dereg_mr() for a batch of MRs at device removal; the driver reports how many references were
// still held by in-flight work when each MR went away.
import { intoShared, memdescRefCount, memdescFree, memdescPut, tryFromShared, type Memory } from 'memdesc';
import { allocMr, pinUserPages, unpinUserPages, MrTable, mrRelease, type SharedMr } from '../lib/rdma.js';

export function run(mem: Memory): string[] {
  const table = new MrTable();
  const report: string[] = [];
  const inflight: SharedMr[] = [];
  for (const lkey of [0x10, 0x11, 0x12]) {
    const pins = pinUserPages(mem, 1);
    if (pins === null) break;
    const mr = allocMr(mem, lkey);
    if (mr === null) {
      unpinUserPages(pins);
      break;
    }
    table.publish(lkey, intoShared(mr), pins);
    if (lkey === 0x11) {
      const wrRef = table.lookup(lkey);
      if (wrRef !== null) inflight.push(wrRef);
    }
  }

  for (const lkey of [...table.entries.keys()]) {
    const entry = table.take(lkey);
    if (entry === null) continue;
    const { mr, pins } = entry;
    unpinUserPages(pins);
    const busy = memdescRefCount(mr) > 1;
    const back = tryFromShared(mr);
    if (back.unique) memdescFree(back);
    else memdescPut(back);
    report.push(`dereg lkey=0x${lkey.toString(16)} busy=${busy}`);
  }
  for (const ref of inflight) mrRelease(ref);
  return report;
}
