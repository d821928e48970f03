// Readers done right: each reader takes its own reference before awaiting, so a concurrent
// removal only drops the table's reference; the last put (the reader's) frees the session.
// The retire path takes the session back with tryFromShared() and handles both outcomes.
import { memdescPut, memdescRefCount, type Memory } from 'memdesc';
import { Rcu, ioWait } from '../lib/rcu.js';
import {
  SessionTable, sessionAlloc, sessionWriteKey, sessionReadKey, sessionRetire, intoShared, type SessionRef,
} from '../lib/session-table.js';

async function reader(table: SessionTable, id: number): Promise<number> {
  const sess: SessionRef | undefined = table.lookupGet(id);
  if (sess === undefined) return -1;
  try {
    await ioWait();
    return sessionReadKey(sess, 4)[0] ?? -1;
  } finally {
    memdescPut(sess);
  }
}

async function retireNow(table: SessionTable, id: number): Promise<boolean | undefined> {
  const ref = table.unlink(id);
  if (ref === undefined) return undefined;
  await table.rcu.barrier();
  return sessionRetire(ref);
}

export async function run(mem: Memory): Promise<void> {
  const table = new SessionTable(new Rcu());
  for (const id of [1, 2, 3]) {
    const s = sessionAlloc(mem);
    if (s === null) throw new Error('ENOMEM');
    sessionWriteKey(s, new Uint8Array(4).fill(id));
    const shared = intoShared(s);
    if (!table.publish(id, shared)) memdescPut(shared);
  }
  const held = table.lookupGet(3);
  const refs = held === undefined ? 0 : memdescRefCount(held);
  const results = await Promise.all([reader(table, 1), table.remove(1) ? table.rcu.barrier() : undefined, reader(table, 2)]);
  const uniqueAtRetire = await retireNow(table, 3); // held still has a reference: not unique
  if (held !== undefined) memdescPut(held);
  const unique2 = await retireNow(table, 2);
  console.log(`sessions: readers ${results[0]},${results[2]}, refs ${refs}, retire ${uniqueAtRetire} ${unique2}`);
  await table.shutdown();
}
