// ib_reg_mr(): pin the user buffer, set up the MR, publish it in the lkey table, then deregister.
import { intoShared, type Memory } from 'memdesc';
import { allocMr, mrKey, pinUserPages, unpinUserPages, MrTable, mrRelease } from '../lib/rdma.js';

const trace: string[] = [];

export function run(mem: Memory): string[] {
  const table = new MrTable();
  const lkey = 0x1200;
  const pins = pinUserPages(mem, 4);
  if (pins === null) return trace;
  const mr = allocMr(mem, lkey);
  if (mr === null) {
    unpinUserPages(pins);
    return trace;
  }
  const shared = intoShared(mr);
  table.publish(lkey, shared, pins);
  trace.push(`reg_mr lkey=0x${mrKey(mr).toString(16)} npages=${pins.folios.length}`); // expect: use-after-move

  const entry = table.take(lkey);
  if (entry !== null) {
    unpinUserPages(entry.pins);
    mrRelease(entry.mr);
  }
  return trace;
}
