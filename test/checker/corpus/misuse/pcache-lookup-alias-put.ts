/** readpage(): the looked-up folio is put under its alias in the copy helper and again by the caller. */
import { folioPut, readRaw, type ARef, type Folio, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

function copyToUser(folio: ARef<Folio<0>>, out: Uint8Array): void {
  readRaw(folio, out, 0);
  folioPut(folio); // expect-also: double-free
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const first = cache.readPage(0, 0x11);
  if (first !== null) folioPut(first);
  const ref = cache.lookup(0);
  if (ref !== null) {
    const held = ref;
    copyToUser(held, new Uint8Array(32));
    folioPut(ref); // expect: double-free
  }
  cache.destroy();
}
