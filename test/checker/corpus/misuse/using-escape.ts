/** `using` disposes the channel (freeing its page) at the end of the block; the page escaped the block through a variable. */
import { type Memory } from 'memdesc';
import { DmaChannel } from '../lib/dma.js';
import { checksumPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  let bounce: DataPage | undefined;
  {
    using chan = new DmaChannel(mem);
    chan.submit(new Uint8Array([7, 7, 7, 7]));
    bounce = chan.page;
  }
  if (bounce !== undefined) console.assert(checksumPage(bounce, 4) !== 0); // expect: use-after-free
}
