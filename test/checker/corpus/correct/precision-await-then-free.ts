/**
 * A DMA descriptor page is used before and after an await, then freed once, after the last use.
 *
 * Kernel: a command descriptor handed to a device and polled for completion.
 * Protocol: the descriptor page is owned by this function for its whole life; it is
 * freed once, after the last read that follows the await.
 */
import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { ioTick } from '../lib/blkq.js';

export async function run(mem: Memory): Promise<void> {
  const desc = allocPage(mem, GFP_KERNEL);
  if (desc === null) return;
  writeRaw(desc, new Uint8Array([0x01]), 0); // doorbell
  await ioTick(); // the device processes the descriptor
  const status = new Uint8Array(1);
  readRaw(desc, status, 0);
  freePage(desc);
  if (status[0] !== 0x01) throw new Error('descriptor clobbered');
}
