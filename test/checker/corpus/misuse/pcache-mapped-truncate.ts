/**
 * A hole-punch kmaps the cached folio to zero it and truncates from inside the mapping.
 *
 * Kernel: hole punching (truncate_inode_partial_folio) zeroes and drops cached folios.
 * Protocol: truncate() puts the cache's reference, which can be the last one; it must
 * not run while the folio is kmapped.
 */
import { folioPage, folioPut, withPageMapped, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const ref = cache.readPage(5, 0xee);
  if (ref === null) {
    cache.destroy();
    return;
  }
  folioPut(ref); // only the cache holds it now
  const cached = cache.peek(5);
  if (cached !== null) {
    withPageMapped(folioPage(cached, 0), (view) => {
      if (view[0] === 0xee) cache.truncate(5); // expect: free-while-mapped
    });
  }
  cache.destroy();
}
