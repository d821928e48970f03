// Keyring: a "user" key is allocated, filled with its complete payload (expiry included) while
// the driver still owns it, and then published with instantiate().
import { type Memory } from 'memdesc';
import { Keyring, keyAlloc, keyWritePayload, keyReadPayload, keyPut } from '../lib/keyring.js';

const enc = new TextEncoder();

export function run(mem: Memory): void {
  const ring = new Keyring();
  const key = keyAlloc(mem);
  if (key === null) throw new Error('ENOMEM');
  keyWritePayload(key, enc.encode('token=abc'));
  keyWritePayload(key, enc.encode('token=abc;exp=3600'));
  ring.instantiate('user:session', key);

  const found = ring.search('user:session');
  if (found === null) throw new Error('ENOKEY');
  const payload = new TextDecoder().decode(keyReadPayload(found));
  keyPut(found);
  if (!payload.startsWith('token=')) throw new Error('bad payload');
  ring.clear();
}
