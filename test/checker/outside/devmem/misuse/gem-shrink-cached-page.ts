// A GEM client caches the backing folio of the page it reads most (the object's header page);
// memory pressure runs the shrinker, which evicts unpinned objects.
import { readRaw, type Memory } from 'memdesc';
import { GemManager, gemGetPages, gemWrite, gemRead, type BackingFolio } from '../lib/gem.js';

interface HeaderCache {
  handle: number;
  folio: BackingFolio;
}

export function run(mem: Memory): number {
  const mgr = new GemManager(mem);
  const obj = mgr.create(4);
  if (!gemGetPages(mem, obj)) {
    mgr.destroy();
    return -12;
  }
  gemWrite(obj, 0, new Uint8Array([0x47, 0x45, 0x4d, 0x31]));
  const first = gemRead(obj, 0, 4);
  const hdrFolio = obj.pages[0];
  if (hdrFolio === null || hdrFolio === undefined) {
    mgr.destroy();
    return -14;
  }
  const cache: HeaderCache = { handle: obj.handle, folio: hdrFolio };

  // kswapd: the object is not pinned, so the shrinker takes its pages
  const evicted = mgr.shrink(16);

  const magic = new Uint8Array(4);
  readRaw(cache.folio, magic, 0); // expect: use-after-free
  mgr.destroy();
  return evicted + (magic[0] ?? 0) + (first[0] ?? 0);
}
