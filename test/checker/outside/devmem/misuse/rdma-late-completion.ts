// ib_post_send() with a registered MR, then ib_dereg_mr() while the send is still in flight; the
// completion is delivered later and the CQ handler looks at the MR of the work request.
import { intoShared, type Memory } from 'memdesc';
import { allocMr, mrKey, pinUserPages, unpinUserPages, MrTable, mrRelease, CompletionQueue, type SharedMr } from '../lib/rdma.js';

interface WorkRequest {
  wrId: number;
  mr: SharedMr;
}

function deregMr(table: MrTable, lkey: number): void {
  const entry = table.take(lkey);
  if (entry === null) return;
  unpinUserPages(entry.pins);
  mrRelease(entry.mr); // expect-also: use-after-free
}

export async function run(mem: Memory): Promise<string[]> {
  const log: string[] = [];
  const table = new MrTable();
  const cq = new CompletionQueue();
  const lkey = 0x77;
  const pins = pinUserPages(mem, 2);
  if (pins === null) return log;
  const mr = allocMr(mem, lkey);
  if (mr === null) {
    unpinUserPages(pins);
    return log;
  }
  table.publish(lkey, intoShared(mr), pins);

  const entry = table.entries.get(lkey);
  if (entry === undefined) {
    deregMr(table, lkey);
    return log;
  }
  const wr: WorkRequest = { wrId: 1, mr: entry.mr };
  cq.post({ wrId: wr.wrId, lkey, status: 'ok' });

  deregMr(table, lkey);
  for (const c of await cq.poll()) {
    if (c.wrId === wr.wrId) log.push(`wc wr_id=${c.wrId} status=${c.status} lkey=${mrKey(wr.mr)}`); // expect: use-after-free
  }
  return log;
}
