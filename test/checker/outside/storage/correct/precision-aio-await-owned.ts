import { allocPages, freePages, writeRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { ioWait, completeWith } from '../lib/aio.js';

/** The buffer stays owned across the awaits and is freed after the last completion. */
export async function run(mem: Memory): Promise<void> {
  const buf = allocPages(mem, GFP_KERNEL, 1);
  if (!buf) return;
  writeRaw(buf, new Uint8Array([9, 9]), 4096);
  await ioWait();
  const got = await completeWith(() => {
    const b = new Uint8Array(2);
    readRaw(buf, b, 4096);
    return b[0]!;
  });
  freePages(buf, 1);
  if (got !== 9) throw new Error('bad read');
}
