// Keyring: a "user" key is allocated, filled and published with instantiate(), which turns the
// owned key into the ring's shared reference. The driver then stamps an updated payload through
// the owned handle it gave away.
import { type Memory } from 'memdesc';
import { Keyring, keyAlloc, keyWritePayload, keyReadPayload, keyPut } from '../lib/keyring.js';

const enc = new TextEncoder();

export function run(mem: Memory): void {
  const ring = new Keyring();
  const key = keyAlloc(mem);
  if (key === null) throw new Error('ENOMEM');
  keyWritePayload(key, enc.encode('token=abc'));
  ring.instantiate('user:session', key);
  keyWritePayload(key, enc.encode('token=abc;exp=3600')); // expect: use-after-move

  const found = ring.search('user:session');
  if (found === null) throw new Error('ENOKEY');
  const payload = new TextDecoder().decode(keyReadPayload(found));
  keyPut(found);
  if (!payload.startsWith('token=')) throw new Error('bad payload');
  ring.clear();
}
