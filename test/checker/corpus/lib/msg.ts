/** kmalloc'd messages on a driver's queue. */
import { kfree, kmalloc, readRaw, writeRaw, GFP_KERNEL, type KmallocPtr, type Memory } from 'memdesc';

/** A message buffer of `len` bytes (may sleep: GFP_KERNEL), or null on ENOMEM. */
export function newMsg(mem: Memory, len: number): KmallocPtr | null {
  return kmalloc(mem, len, GFP_KERNEL);
}

/** Copies `data` into a message. */
export function fillMsg(msg: KmallocPtr, data: Uint8Array): void {
  writeRaw(msg, data, 0);
}

/** Frees a message. Consumes `msg`. */
export function releaseMsg(msg: KmallocPtr): void {
  kfree(msg);
}

/** Copies the first `len` bytes onto the wire and frees the message. Consumes `msg`. */
export function sendMsg(wire: Uint8Array[], msg: KmallocPtr, len: number): void {
  const out = new Uint8Array(len);
  readRaw(msg, out, 0);
  wire.push(out);
  kfree(msg);
}
