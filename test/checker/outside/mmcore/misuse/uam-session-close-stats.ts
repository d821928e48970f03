// Session close: the session is unlinked, and after a grace period the closer tries to take it
// back as the unique owner to scrub the key; if a reader still holds it, the reader's put frees it.
import { memdescFree, memdescPut, memdescRefCount, memdescPage, fillZeroRaw, type Memory } from 'memdesc';
import { Rcu } from '../lib/rcu.js';
import { SessionTable, sessionAlloc, sessionWriteKey, intoShared, type SessionRef } from '../lib/session-table.js';
import { tryFromShared } from 'memdesc';

interface CloseStats {
  scrubbed: number;
  deferred: number;
  lastRefs: number;
}

async function closeSession(table: SessionTable, id: number, stats: CloseStats): Promise<void> {
  const ref: SessionRef | undefined = table.unlink(id);
  if (ref === undefined) return;
  await table.rcu.barrier();
  const back = tryFromShared(ref); // expect-also: use-after-move
  if (back.unique) {
    fillZeroRaw(memdescPage(back, 0), 0, 32);
    memdescFree(back);
    stats.scrubbed++;
  } else {
    memdescPut(back);
    stats.deferred++;
  }
  stats.lastRefs = memdescRefCount(ref); // expect: use-after-move
}

export async function run(mem: Memory): Promise<void> {
  const table = new SessionTable(new Rcu());
  for (const id of [10, 11]) {
    const s = sessionAlloc(mem);
    if (s === null) throw new Error('ENOMEM');
    sessionWriteKey(s, new Uint8Array(32).fill(id));
    table.publish(id, intoShared(s));
  }
  const stats: CloseStats = { scrubbed: 0, deferred: 0, lastRefs: 0 };
  await closeSession(table, 10, stats);
  console.log(`close: ${stats.scrubbed} scrubbed, ${stats.deferred} deferred, refs ${stats.lastRefs}`);
  await table.shutdown();
}
