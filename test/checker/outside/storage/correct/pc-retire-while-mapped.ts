import { folioPage, folioPut, withPageMapped, type Memory, type ARef, type Folio } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

function retire(f: ARef<Folio<0>>): void {
  folioPut(f);
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 2);
  const f = cache.take(1);
  if (f) {
    const copy = new Uint8Array(16);
    withPageMapped(folioPage(f, 0), (view) => {
      copy.set(view.subarray(0, 16));
    });
    retire(f);
  }
  cache.destroy();
}
