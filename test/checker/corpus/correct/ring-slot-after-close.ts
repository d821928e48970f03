/**
 * Ring buffer over pages: a debug dump reads the page behind slot 0 (an alias the ring lent out)
 * while the ring is open, then closes the ring.
 */
import { readRaw, type Memory } from 'memdesc';
import { PageRing } from '../lib/ring.js';

export function run(mem: Memory): void {
  const ring = new PageRing(mem, 4);
  ring.produce(new TextEncoder().encode('first record'));
  const first = ring.slot(0);
  const dump = new Uint8Array(16);
  readRaw(first, dump, 0);
  ring.close();
}
