// Precision: scratch memory released by `using` at the end of its scope, including on an early
// return and on a thrown error, next to a handle freed by hand inside a `using` scope.
import { allocPage, folioAlloc, folioLock, folioUnlock, readRaw, writeRaw, freePage, GFP_KERNEL, PAGE_SIZE, type Memory } from 'memdesc';
import { BoManager, boRead, type BufferObject } from '../lib/bo.js';

/** Blits a BO through a bounce page; returns the first byte, or -1 if the BO was evicted. */
function blitThroughBounce(mem: Memory, bo: BufferObject): number {
  using bounce = allocPage(mem, GFP_KERNEL);
  if (bounce === null) return -1;
  if (bo.backing === null) return -1; // early return: `using` frees the bounce page
  writeRaw(bounce, boRead(bo, 0, 16), 0);
  const out = new Uint8Array(1);
  readRaw(bounce, out, 0);
  return out[0] ?? -1;
}

function checksumFolio(mem: Memory, data: Uint8Array): number {
  using folio = folioAlloc(mem, GFP_KERNEL, 1); // an ARef: put at scope end
  if (folio === null) throw new Error('ENOMEM');
  using locked = folioLock(folio); // unlocked at scope end, before the put
  writeRaw(locked, data, PAGE_SIZE);
  const back = new Uint8Array(data.length);
  readRaw(folio, back, PAGE_SIZE);
  if (back[0] === 0xee) throw new Error('poisoned'); // thrown: both still released
  return back.reduce((a, b) => a + b, 0);
}

function unlockEarly(mem: Memory): void {
  using folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  const locked = folioLock(folio);
  writeRaw(locked, new Uint8Array([1]), 0);
  folioUnlock(locked); // by hand; the folio is still put by `using`
  using tmp = allocPage(mem, GFP_KERNEL);
  if (tmp !== null) freePage(tmp); // freed by hand: the scope's end leaves it alone
}

export function run(mem: Memory): void {
  const mgr = new BoManager(mem);
  const bo = mgr.create(mem, PAGE_SIZE, 'system');
  if (bo === null) throw new Error('ENOMEM');
  blitThroughBounce(mem, bo);
  mgr.evict(bo);
  if (blitThroughBounce(mem, bo) !== -1) throw new Error('evicted BO read');
  if (checksumFolio(mem, new Uint8Array([1, 2, 3])) !== 6) throw new Error('bad sum');
  try {
    checksumFolio(mem, new Uint8Array([0xee]));
  } catch {
    /* expected */
  }
  unlockEarly(mem);
  mgr.close();
}
