import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const inodeLock = spinLockInit(mem, 'i_lock');
  cache.readahead(0, 3);
  cache.write(1, new Uint8Array([42]));
  const sink: Uint8Array[] = [];
  const dirty = withSpinLock(inodeLock, () => cache.indexes());
  for (const i of dirty) cache.writeback(i, sink);
  cache.destroy();
}
