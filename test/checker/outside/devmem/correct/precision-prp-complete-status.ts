// The completion path by status: every case releases the command's PRP lists exactly once,
// through a helper that either caches the page in the pool or frees it (the pool's put) or, for a
// command the driver kills on a dead controller, frees the pages outright.
import { freePage, type Memory } from 'memdesc';
import { PrpPool, NvmeQueue, fillPrpPage, freePrps, type NvmeCmd, type PrpPage } from '../lib/prp.js';

type CqeStatus = 'success' | 'aborted' | 'dead';

/** Keeps the page if the command may be retried; returns false when the caller must release it. */
function keepForRetry(cmd: NvmeCmd, page: PrpPage, retries: Map<number, PrpPage[]>): boolean {
  if (cmd.status !== 'aborted') return false;
  const list = retries.get(cmd.cid) ?? [];
  list.push(page);
  retries.set(cmd.cid, list);
  return true;
}

function complete(q: NvmeQueue, cmd: NvmeCmd, status: CqeStatus, retries: Map<number, PrpPage[]>): void {
  q.inflight.delete(cmd.cid);
  switch (status) {
    case 'success':
      cmd.status = 'done';
      freePrps(q.pool, cmd);
      break;
    case 'aborted': {
      cmd.status = 'aborted';
      for (const page of cmd.prpList) {
        if (!keepForRetry(cmd, page, retries)) q.pool.put(page);
      }
      cmd.prpList = [];
      break;
    }
    case 'dead':
      for (const page of cmd.prpList) freePage(page);
      cmd.prpList = [];
      break;
  }
}

export function run(mem: Memory): number {
  const pool = new PrpPool('prp list 4k', 1);
  pool.refill(mem, 6);
  const q = new NvmeQueue(mem, 4, pool);
  const retries = new Map<number, PrpPage[]>();
  const statuses: CqeStatus[] = ['success', 'aborted', 'dead'];
  for (const status of statuses) {
    const cmd: NvmeCmd = { cid: q.nextCid++, nsid: 1, lengthBytes: 4 << 20, prpList: [], status: 'submitted' };
    for (let i = 0; i < 2; i++) {
      const page = pool.get();
      if (page === null) break;
      fillPrpPage(page, 0x2000_0000, 16);
      cmd.prpList.push(page);
    }
    q.inflight.set(cmd.cid, cmd);
    complete(q, cmd, status, retries);
  }
  // the retried commands are given up: their lists go back to the pool
  for (const [cid, pages] of retries) {
    for (const page of pages) pool.put(page);
    retries.delete(cid);
  }
  pool.destroy();
  return q.inflight.size;
}
