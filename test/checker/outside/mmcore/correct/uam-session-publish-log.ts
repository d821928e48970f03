// Session setup: the handshake fills the key into a private session, publishes it in the lookup
// table, then logs a fingerprint of the key for the audit trail.
import type { Memory } from 'memdesc';
import { Rcu } from '../lib/rcu.js';
import { SessionTable, sessionAlloc, sessionWriteKey, sessionReadKey, intoShared } from '../lib/session-table.js';

function fingerprint(key: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of key) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

function establish(mem: Memory, table: SessionTable, id: number, secret: Uint8Array): boolean {
  const sess = sessionAlloc(mem);
  if (sess === null) return false;
  sessionWriteKey(sess, secret);
  const fp = fingerprint(sessionReadKey(sess, secret.length));
  const shared = intoShared(sess);
  if (!table.publish(id, shared)) throw new Error(`session ${id} exists`);
  console.log(`session ${id} established, key ${fp}`);
  return true;
}

export async function run(mem: Memory): Promise<void> {
  const table = new SessionTable(new Rcu());
  establish(mem, table, 7, new Uint8Array(32).map((_, i) => i * 7));
  await table.shutdown();
}
