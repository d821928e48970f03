/** A refcounted buffer (user memdesc) is read through the struct that holds it and then put through the local name. */
import { memdescAddress, memdescAlloc, memdescPut, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { RefBuf, type RefBufRef } from '../lib/descs.js';

interface Session {
  id: number;
  buf: RefBufRef;
}

export function run(mem: Memory): void {
  const buf = memdescAlloc(mem, RefBuf, GFP_KERNEL);
  if (buf === null) return;
  writeRaw(memdescAddress(buf), new Uint8Array([5]), 0);
  const session: Session = { id: 1, buf };
  readRaw(memdescAddress(session.buf), new Uint8Array(1), 0);
  memdescPut(buf); // the session is over
}
