/** A request records its bounce buffer; the error path clears the field with the free, completion skips it. */
import { type Memory, type Owned, type Page } from 'memdesc';
import { allocBounce, freeBounce } from '../lib/blkq.js';

interface BounceReq {
  readonly sector: number;
  bounce: Owned<Page<2>> | null;
}

function complete(req: BounceReq): void {
  if (req.bounce !== null) freeBounce(req.bounce);
  req.bounce = null;
}

export function run(mem: Memory): void {
  const b = allocBounce(mem);
  if (b === null) return;
  const req: BounceReq = { sector: 4096, bounce: b };
  const deviceBusy = true;
  if (deviceBusy) {
    req.bounce = null;
    freeBounce(b);
  }
  complete(req);
}
