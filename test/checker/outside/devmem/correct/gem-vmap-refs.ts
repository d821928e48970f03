// drm_gem_vmap()/vunmap(): a kernel mapping of a GEM object's pages for the fbdev console; the
// mapping is torn down before the object is closed.
import { folioGet, folioPut, readRaw, type Memory } from 'memdesc';
import { GemManager, gemGetPages, gemWrite, type BackingFolio, type GemObject } from '../lib/gem.js';

interface KernelMap {
  obj: GemObject;
  pages: BackingFolio[];
}

function gemVmap(mgr: GemManager, obj: GemObject): KernelMap | null {
  if (!mgr.pin(obj)) return null;
  const pages: BackingFolio[] = [];
  for (const f of obj.pages) if (f !== null) pages.push(folioGet(f)); // the mapping holds its own references
  return { obj, pages };
}

function gemVunmap(mgr: GemManager, map: KernelMap): void {
  for (const f of map.pages) folioPut(f);
  map.pages = [];
  mgr.unpin(map.obj);
}

export function run(mem: Memory): number {
  const mgr = new GemManager(mem);
  const fb = mgr.create(3);
  if (!gemGetPages(mem, fb)) {
    mgr.destroy();
    return -12;
  }
  gemWrite(fb, 0, new Uint8Array(64).fill(0xff));
  const map = gemVmap(mgr, fb);
  if (map === null) {
    mgr.destroy();
    return -12;
  }
  const px = new Uint8Array(4);
  for (const f of map.pages) readRaw(f, px, 0);
  gemVunmap(mgr, map);
  mgr.close(fb.handle);
  mgr.destroy();
  return px[0] ?? 0;
}
