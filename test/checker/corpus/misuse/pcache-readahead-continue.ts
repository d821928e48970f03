/**
 * Read-ahead reads folios in; a hole skips the put of the reference readPage() returned.
 *
 * Kernel: page_cache_ra_unbounded() reads folios in; holes are skipped.
 * Protocol: readPage() returns a reference of the caller's own (the cache keeps another);
 * each iteration puts its reference on every path, `continue` included.
 */
import { folioPut, readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const holes = new Set([2]);
  let bytes = 0;
  for (let index = 0; index < 4; index++) {
    const ref = cache.readPage(index, index); // expect: leak
    if (ref === null) break;
    if (holes.has(index)) continue; // expect-also: leak
    readRaw(ref, new Uint8Array(16), 0);
    bytes += 16;
    folioPut(ref);
  }
  cache.destroy();
  if (bytes === 0) throw new Error('nothing read');
}
