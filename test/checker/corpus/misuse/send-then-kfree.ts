/** `sendMsg()` (another module) frees the message after copying it out; the error-path cleanup frees it again. */
import { kfree, type Memory } from 'memdesc';
import { fillMsg, newMsg, sendMsg } from '../lib/msg.js';

export function run(mem: Memory): void {
  const wire: Uint8Array[] = [];
  const msg = newMsg(mem, 128);
  if (msg === null) return;
  fillMsg(msg, new TextEncoder().encode('hello, device'));
  sendMsg(wire, msg, 13);
  if (wire.length !== 1) return;
  kfree(msg); // expect: double-free
}
