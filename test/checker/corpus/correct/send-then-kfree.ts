/** `sendMsg()` (another module) frees the message after copying it out; the caller only frees what it did not send. */
import { kfree, type Memory } from 'memdesc';
import { fillMsg, newMsg, sendMsg } from '../lib/msg.js';

export function run(mem: Memory): void {
  const wire: Uint8Array[] = [];
  const msg = newMsg(mem, 128);
  if (msg === null) return;
  fillMsg(msg, new TextEncoder().encode('hello, device'));
  if (wire.length > 8) {
    kfree(msg); // the queue is full: drop it
    return;
  }
  sendMsg(wire, msg, 13);
}
