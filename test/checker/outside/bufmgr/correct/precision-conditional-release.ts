// Precision: helpers that release their argument on some paths and report it, with callers that
// release only on the other paths -- a key permission check that puts on denial, page_pool
// recycling that caches or puts, an eviction helper that frees only idle objects, and a
// try-register helper that hands pages to the table or frees them.
import { allocPage, freePage, GFP_KERNEL, PAGE_SIZE, type Memory, type Owned, type Page } from 'memdesc';
import { Keyring, keyAlloc, keyWritePayload, keyReadPayload, keyPut, type KeyRef } from '../lib/keyring.js';
import { PagePool } from '../lib/pagepool.js';
import { BoManager } from '../lib/bo.js';
import { FixedBufTable } from '../lib/fixedbuf.js';

/** Returns true if granted; on denial the reference has been put. */
function keyPermission(ref: KeyRef, write: boolean): boolean {
  if (write && ((keyReadPayload(ref)[0] ?? 0) & 1) !== 0) {
    keyPut(ref);
    return false;
  }
  return true;
}

/** Hands the pages to the table if the slot is free (true), else frees them (false). */
function tryRegister(table: FixedBufTable, idx: number, pages: Owned<Page<0>>[]): boolean {
  if (table.lookup(idx) !== null) {
    for (const p of pages) freePage(p);
    return false;
  }
  table.adopt(idx, pages);
  return true;
}

export function run(mem: Memory): void {
  const ring = new Keyring();
  for (const [desc, flags] of [['logon:ro', 1], ['logon:rw', 0]] as const) {
    const k = keyAlloc(mem);
    if (k === null) throw new Error('ENOMEM');
    keyWritePayload(k, new Uint8Array([flags]));
    ring.instantiate(desc, k);
  }
  let denied = 0;
  for (const desc of ['logon:ro', 'logon:rw']) {
    const ref = ring.search(desc);
    if (ref === null) continue;
    if (!keyPermission(ref, true)) {
      denied++;
      continue; // already put by keyPermission
    }
    keyPut(ref);
  }
  if (denied !== 1) throw new Error('permission');
  ring.clear();

  const pool = new PagePool(mem, 1);
  const a = pool.alloc(mem);
  const b = pool.alloc(mem);
  if (a !== null) pool.recycle(a); // cached
  if (b !== null) pool.recycle(b); // cache full: put
  pool.destroy();

  const mgr = new BoManager(mem);
  const busy = mgr.create(mem, PAGE_SIZE, 'system');
  const idle = mgr.create(mem, PAGE_SIZE, 'shadow');
  if (busy === null || idle === null) throw new Error('ENOMEM');
  mgr.pin(busy);
  for (const bo of [busy, idle]) if (!mgr.evict(bo)) mgr.unpin(bo); // evict frees only idle ones
  mgr.close();

  const table = new FixedBufTable(1);
  for (let round = 0; round < 2; round++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p === null) break;
    tryRegister(table, 0, [p]); // second round: the slot is taken, the page is freed
  }
  table.destroy();
}
