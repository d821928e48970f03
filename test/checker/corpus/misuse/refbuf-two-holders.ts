/** A refcounted buffer (user memdesc) is shared by two holders without taking a second reference; both holders put. */
import { memdescAlloc, memdescPut, memdescRefCount, GFP_KERNEL, type Memory } from 'memdesc';
import { RefBuf, type RefBufRef } from '../lib/descs.js';

interface Holder {
  name: string;
  buf: RefBufRef;
}

export function run(mem: Memory): void {
  const buf = memdescAlloc(mem, RefBuf, GFP_KERNEL);
  if (buf === null) return;
  const producer: Holder = { name: 'producer', buf };
  const consumer: Holder = { name: 'consumer', buf };
  console.assert(memdescRefCount(consumer.buf) === 1);
  memdescPut(producer.buf);
  memdescPut(consumer.buf); // expect: double-free
}
