/** `using` disposes the channel (freeing its page) at the end of the block; the page is checked inside the block. */
import { type Memory } from 'memdesc';
import { DmaChannel } from '../lib/dma.js';
import { checksumPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  let sum = 0;
  {
    using chan = new DmaChannel(mem);
    chan.submit(new Uint8Array([7, 7, 7, 7]));
    const bounce: DataPage = chan.page;
    sum = checksumPage(bounce, 4);
  }
  console.assert(sum !== 0);
}
