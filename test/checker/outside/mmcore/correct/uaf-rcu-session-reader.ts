// TLS rekey: a reader looks the session up and, after waiting for the peer's record, reads the
// key; concurrently the control path retires the session and waits for the grace period.
import { memdescPut, type Memory } from 'memdesc';
import { Rcu, ioWait } from '../lib/rcu.js';
import { SessionTable, sessionAlloc, sessionWriteKey, sessionReadKey, intoShared } from '../lib/session-table.js';

async function reader(table: SessionTable, id: number): Promise<number> {
  const sess = table.lookupGet(id);
  if (sess === undefined) return -1;
  await ioWait(); // wait for the peer's record
  const key = sessionReadKey(sess, 16);
  memdescPut(sess);
  return key[0] ?? -1;
}

async function retire(table: SessionTable, id: number): Promise<void> {
  table.remove(id);
  await table.rcu.barrier();
}

export async function run(mem: Memory): Promise<void> {
  const table = new SessionTable(new Rcu());
  for (let id = 1; id <= 3; id++) {
    const s = sessionAlloc(mem);
    if (s === null) throw new Error('ENOMEM');
    sessionWriteKey(s, new Uint8Array(16).fill(id));
    table.publish(id, intoShared(s));
  }
  const [first] = await Promise.all([reader(table, 2), retire(table, 2)]);
  console.log(`rekey: reader saw ${first}, ${table.ids().length} sessions left`);
  await table.shutdown();
}
