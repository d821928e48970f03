// Asynchronous sends done right: each work request takes its own reference on the MR (lookup),
// the MR may be deregistered while sends are in flight, and the CQ handler drops the work
// request's reference after the completion arrived (in a finally, so an error cannot leak it).
import { intoShared, type Memory } from 'memdesc';
import { allocMr, mrKey, pinUserPages, unpinUserPages, MrTable, mrRelease, CompletionQueue, type SharedMr } from '../lib/rdma.js';

interface WorkRequest {
  wrId: number;
  mr: SharedMr;
}

function postSend(table: MrTable, cq: CompletionQueue, lkey: number, wrId: number): WorkRequest | null {
  const mr = table.lookup(lkey);
  if (mr === null) return null;
  cq.post({ wrId, lkey, status: 'ok' });
  return { wrId, mr };
}

async function drain(cq: CompletionQueue, wrs: Map<number, WorkRequest>, log: string[]): Promise<void> {
  for (const c of await cq.poll()) {
    const wr = wrs.get(c.wrId);
    if (wr === undefined) continue;
    wrs.delete(c.wrId);
    try {
      log.push(`wc ${c.wrId} lkey=0x${mrKey(wr.mr).toString(16)} ${c.status}`);
    } finally {
      mrRelease(wr.mr);
    }
  }
}

export async function run(mem: Memory): Promise<string[]> {
  const log: string[] = [];
  const table = new MrTable();
  const cq = new CompletionQueue();
  const lkey = 0x42;
  const pins = pinUserPages(mem, 2);
  if (pins === null) return log;
  const mr = allocMr(mem, lkey);
  if (mr === null) {
    unpinUserPages(pins);
    return log;
  }
  table.publish(lkey, intoShared(mr), pins);

  const wrs = new Map<number, WorkRequest>();
  for (let id = 1; id <= 3; id++) {
    const wr = postSend(table, cq, lkey, id);
    if (wr !== null) wrs.set(id, wr);
  }
  // deregistration while the sends are in flight: the work requests keep the MR alive
  const entry = table.take(lkey);
  if (entry !== null) {
    unpinUserPages(entry.pins);
    mrRelease(entry.mr);
  }
  await drain(cq, wrs, log);
  return log;
}
