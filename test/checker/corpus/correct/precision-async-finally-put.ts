/** Async writeback holds a folio reference across awaits and puts it in finally, on success or failure. */
import { folioPut, readRaw, type Memory } from 'memdesc';
import { ioTick } from '../lib/blkq.js';
import { PageCache } from '../lib/pcache.js';

async function writeback(cache: PageCache, index: number, fail: boolean): Promise<boolean> {
  const ref = cache.lookup(index);
  if (ref === null) return false;
  try {
    await ioTick();
    if (fail) throw new Error('EIO');
    readRaw(ref, new Uint8Array(8), 0);
    await ioTick();
    return true;
  } finally {
    folioPut(ref);
  }
}

export async function run(mem: Memory): Promise<void> {
  const cache = new PageCache(mem);
  const f = cache.readPage(0, 1);
  if (f !== null) folioPut(f);
  await writeback(cache, 0, false);
  await writeback(cache, 0, true).catch(() => false);
  cache.destroy();
}
