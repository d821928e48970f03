// Keyring garbage collection: for each unlinked key the collector tries to take the key back as
// its unique owner (tryFromShared). A key still in use is left to its other holders; the audit
// line reads its usage count through the reference tryFromShared handed back.
import { tryFromShared, memdescFree, memdescPut, type Memory } from 'memdesc';
import { Keyring, keyAlloc, keyWritePayload, keyUsage, keyPut, type KeyRef } from '../lib/keyring.js';

const audit: string[] = [];

function reclaimKey(ref: KeyRef): boolean {
  const r = tryFromShared(ref);
  if (r.unique) {
    memdescFree(r);
    return true;
  }
  audit.push(`key busy: usage ${keyUsage(r)}`);
  memdescPut(r);
  return false;
}

export function run(mem: Memory): void {
  const ring = new Keyring();
  for (const desc of ['user:a', 'user:b']) {
    const k = keyAlloc(mem);
    if (k === null) throw new Error('ENOMEM');
    keyWritePayload(k, new TextEncoder().encode(desc));
    ring.instantiate(desc, k);
  }
  const a = ring.search('user:a');
  const b = ring.search('user:b');
  if (a === null || b === null) throw new Error('ENOKEY');
  const heldByReader = ring.search('user:b'); // a reader still uses user:b
  if (heldByReader === null) throw new Error('ENOKEY');
  ring.clear(); // both keys unlinked; the collector runs
  const reclaimed = [a, b].filter((k) => reclaimKey(k)).length;
  if (reclaimed !== 1) throw new Error(`reclaimed ${reclaimed}`);
  keyPut(heldByReader);
}
