import type { Memory } from 'memdesc';
import { PageRing } from '../lib/probe-ring.js';

export function run(mem: Memory): void {
  const ring = new PageRing(mem, 8);
  const data = new Uint8Array([1, 2, 3]);
  for (let i = 0; i < 5; i++) ring.push(data);
  const out = new Uint8Array(3);
  ring.pop(out);
  ring.pop(out);
  ring.drain();
}
