// Registration hands everything to the lkey table: the MR (moved into a shared reference with
// intoShared and not touched again through the owned handle) and its pinned folios. The table,
// which lives longer than the registering function, releases them at device removal.
import { intoShared, type Memory } from 'memdesc';
import { allocMr, mrKey, pinUserPages, unpinUserPages, MrTable, mrRelease } from '../lib/rdma.js';

function regMr(mem: Memory, table: MrTable, lkey: number, nrPages: number): boolean {
  const pins = pinUserPages(mem, nrPages);
  if (pins === null) return false;
  const owned = allocMr(mem, lkey);
  if (owned === null) {
    unpinUserPages(pins);
    return false;
  }
  table.publish(lkey, intoShared(owned), pins);
  return true;
}

function removeDevice(table: MrTable): number {
  let n = 0;
  for (const lkey of [...table.entries.keys()]) {
    const e = table.take(lkey);
    if (e === null) continue;
    unpinUserPages(e.pins);
    mrRelease(e.mr);
    n++;
  }
  return n;
}

export function run(mem: Memory): number {
  const table = new MrTable();
  for (const [lkey, n] of [[0x100, 1], [0x101, 3], [0x102, 2]] as const) regMr(mem, table, lkey, n);
  let keys = 0;
  for (const { mr } of table.entries.values()) keys += mrKey(mr);
  return removeDevice(table) + keys;
}
