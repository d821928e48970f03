/**
 * Ring buffer over pages: a debug dump keeps the page behind slot 0 (an alias the ring lent out)
 * and reads it after the ring was closed.
 */
import { readRaw, type Memory } from 'memdesc';
import { PageRing } from '../lib/ring.js';

export function run(mem: Memory): void {
  const ring = new PageRing(mem, 4);
  ring.produce(new TextEncoder().encode('first record'));
  const first = ring.slot(0);
  ring.close();
  const dump = new Uint8Array(16);
  readRaw(first, dump, 0); // expect: use-after-free
}
