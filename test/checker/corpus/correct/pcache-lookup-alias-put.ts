/** readpage(): the copy helper only reads; the caller puts the looked-up folio once. */
import { folioPut, readRaw, type ARef, type Folio, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

function copyToUser(folio: ARef<Folio<0>>, out: Uint8Array): void {
  readRaw(folio, out, 0);
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const first = cache.readPage(0, 0x11);
  if (first !== null) folioPut(first);
  const ref = cache.lookup(0);
  if (ref !== null) {
    const held = ref;
    copyToUser(held, new Uint8Array(32));
    folioPut(ref);
  }
  cache.destroy();
}
