/** A DMA channel (class in another module) frees its bounce page in `close()`; every submit comes before it. */
import { type Memory } from 'memdesc';
import { DmaChannel } from '../lib/dma.js';

export function run(mem: Memory): void {
  const chan = new DmaChannel(mem);
  chan.submit(new Uint8Array([1, 2, 3]));
  console.assert(chan.status() === 1);
  chan.submit(new Uint8Array([4, 5, 6]));
  chan.close();
}
