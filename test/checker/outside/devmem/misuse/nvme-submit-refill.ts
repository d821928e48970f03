// nvme_queue_rq(): under the submission queue lock, take PRP list pages for the command; when the
// pool runs dry it is refilled on the spot.
import { withSpinLock, type Memory } from 'memdesc';
import { PrpPool, NvmeQueue, fillPrpPage, freePrps, PRPS_PER_PAGE, type NvmeCmd } from '../lib/prp.js';

function submit(mem: Memory, q: NvmeQueue, lengthBytes: number): NvmeCmd | null {
  const cmd: NvmeCmd = { cid: q.nextCid++, nsid: 1, lengthBytes, prpList: [], status: 'building' };
  const needed = Math.ceil((Math.ceil(lengthBytes / 4096) - 1) / (PRPS_PER_PAGE - 1));
  const ok = withSpinLock(q.lock, () => {
    for (let i = 0; i < needed; i++) {
      let page = q.pool.get();
      if (page === null) {
        q.pool.refill(mem, 4); // expect: sleep-in-atomic
        page = q.pool.get();
      }
      if (page === null) {
        freePrps(q.pool, cmd);
        return false;
      }
      fillPrpPage(page, 0x4000_0000 + i * (PRPS_PER_PAGE - 1) * 4096, PRPS_PER_PAGE - 1);
      cmd.prpList.push(page);
    }
    cmd.status = 'submitted';
    q.inflight.set(cmd.cid, cmd);
    return true;
  });
  return ok ? cmd : null;
}

export function run(mem: Memory): number {
  const pool = new PrpPool('prp list 4k', 8);
  pool.refill(mem, 2);
  const q = new NvmeQueue(mem, 2, pool);
  let completed = 0;
  for (const len of [512 * 1024, 4 * 1024 * 1024, 6 * 1024 * 1024]) {
    const cmd = submit(mem, q, len);
    if (cmd === null) continue;
    // completion
    q.inflight.delete(cmd.cid);
    cmd.status = 'done';
    freePrps(q.pool, cmd);
    completed++;
  }
  pool.destroy();
  return completed;
}
