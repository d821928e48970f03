// nvme_timeout(): a command that timed out is aborted and its PRP lists released; the controller
// may still post a completion for it, which the completion path must then ignore.
import { type Memory } from 'memdesc';
import { PrpPool, NvmeQueue, fillPrpPage, freePrps, PRPS_PER_PAGE, type NvmeCmd, type PrpPage } from '../lib/prp.js';

interface Iod {
  cmd: NvmeCmd;
  prpList: PrpPage[];
  deadline: number;
}

function buildCmd(q: NvmeQueue, lengthBytes: number, now: number): Iod | null {
  const cmd: NvmeCmd = { cid: q.nextCid++, nsid: 1, lengthBytes, prpList: [], status: 'building' };
  const needed = Math.ceil((Math.ceil(lengthBytes / 4096) - 1) / (PRPS_PER_PAGE - 1));
  for (let i = 0; i < needed; i++) {
    const page = q.pool.get();
    if (page === null) {
      freePrps(q.pool, cmd);
      return null;
    }
    fillPrpPage(page, 0x1_0000_0000 + i * 0x20_0000, PRPS_PER_PAGE - 1);
    cmd.prpList.push(page);
  }
  cmd.status = 'submitted';
  q.inflight.set(cmd.cid, cmd);
  return { cmd, prpList: cmd.prpList, deadline: now + 30 };
}

function onTimeout(q: NvmeQueue, iod: Iod): void {
  iod.cmd.status = 'aborted';
  freePrps(q.pool, iod.cmd); // expect-also: double-free
}

function onCompletion(q: NvmeQueue, iod: Iod): void {
  q.inflight.delete(iod.cmd.cid);
  for (const page of iod.prpList) q.pool.put(page); // expect: double-free
  iod.cmd.prpList = [];
  iod.cmd.status = 'done';
}

export function run(mem: Memory): number {
  const pool = new PrpPool('prp list 4k', 2);
  pool.refill(mem, 3);
  const q = new NvmeQueue(mem, 3, pool);
  const iod = buildCmd(q, 5 * 1024 * 1024, 0);
  if (iod === null) {
    pool.destroy();
    return -12;
  }
  const now = 31;
  if (now > iod.deadline) onTimeout(q, iod);
  // the controller completes the command after all (abort raced with completion)
  onCompletion(q, iod);
  pool.destroy();
  return 0;
}
