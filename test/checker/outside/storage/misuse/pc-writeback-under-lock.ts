import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const inodeLock = spinLockInit(mem, 'i_lock');
  cache.readahead(0, 3);
  cache.write(1, new Uint8Array([42]));
  const sink: Uint8Array[] = [];
  withSpinLock(inodeLock, () => {
    for (const i of cache.indexes()) cache.writeback(i, sink); // expect: sleep-in-atomic
  });
  cache.destroy();
}
