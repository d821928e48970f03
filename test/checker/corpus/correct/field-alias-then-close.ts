/** The bounce page is read through an alias of the channel's field; `close()` frees the field. */
import { type Memory } from 'memdesc';
import { DmaChannel } from '../lib/dma.js';
import { checksumPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const chan = new DmaChannel(mem);
  chan.submit(new Uint8Array([3, 1, 4]));
  const bounce = chan.page;
  console.assert(checksumPage(bounce, 3) !== 0);
  chan.close();
}
