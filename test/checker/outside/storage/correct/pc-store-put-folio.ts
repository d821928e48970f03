import { folioPut, folioSize, type Memory, type ARef, type Folio } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

interface ReadReq { index: number; folio: ARef<Folio<0>> | null; bytes: number }

function finishRead(f: ARef<Folio<0>>): number {
  const n = folioSize(f);
  folioPut(f);
  return n;
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 4);
  const req: ReadReq = { index: 2, folio: null, bytes: 0 };
  const f = cache.lookup(req.index);
  if (f) {
    req.folio = f;
    req.bytes = folioSize(f);
  }
  cache.evict(2);
  const held = req.folio;
  if (held) {
    req.folio = null;
    req.bytes += finishRead(held);
  }
  cache.destroy();
}
