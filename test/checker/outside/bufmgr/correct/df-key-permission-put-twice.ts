// Keyring: key_permission() in this driver drops the caller's reference when access is denied
// (so that callers can "return its result"). The write path puts the reference only when access
// was granted.
import { type Memory } from 'memdesc';
import { Keyring, keyAlloc, keyWritePayload, keyReadPayload, keyPut, type KeyRef } from '../lib/keyring.js';

const READ_ONLY = 0x01;

/** Returns true if perm is granted; on denial the reference is put here. */
function keyPermission(ref: KeyRef, perm: 'read' | 'write'): boolean {
  const flags = keyReadPayload(ref)[0] ?? 0;
  if (perm === 'write' && (flags & READ_ONLY) !== 0) {
    keyPut(ref);
    return false;
  }
  return true;
}

function keyctlUpdate(ring: Keyring, desc: string): number {
  const ref = ring.search(desc);
  if (ref === null) return -126; // -ENOKEY
  if (!keyPermission(ref, 'write')) {
    return -13; // -EACCES
  }
  keyPut(ref);
  return 0;
}

export function run(mem: Memory): void {
  const ring = new Keyring();
  const key = keyAlloc(mem);
  if (key === null) throw new Error('ENOMEM');
  keyWritePayload(key, new Uint8Array([READ_ONLY, 0x42]));
  ring.instantiate('logon:ro', key);
  if (keyctlUpdate(ring, 'logon:ro') !== -13) throw new Error('write to a read-only key allowed');
  ring.clear();
}
