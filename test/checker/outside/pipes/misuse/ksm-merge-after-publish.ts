// KSM-like merging: identical candidate pages are merged into one shared stable page,
// the duplicates freed; each merged mapping takes a counted reference on the stable page.
import {
  defineMemdesc, memdescAlloc, memdescFree, memdescGet, memdescPut, memdescAddress,
  intoShared, tryFromShared, readRaw, writeRaw, GFP_KERNEL,
  type Memory, type ARef, type Owned, type InstanceOf,
} from 'memdesc';

const KsmPage = defineMemdesc({ name: 'ksm_page', ownable: true, refcounted: true });
type KsmInstance = InstanceOf<typeof KsmPage>;

interface RmapItem {
  mm: string;
  stable: ARef<KsmInstance>;
  addr: number;
}

function contentKey(page: Owned<KsmInstance> | ARef<KsmInstance>): string {
  const buf = new Uint8Array(16);
  readRaw(memdescAddress(page), buf, 0);
  return Array.from(buf).join(',');
}

function fillCandidate(mem: Memory, pattern: number): Owned<KsmInstance> | null {
  const page = memdescAlloc(mem, KsmPage, GFP_KERNEL);
  if (page === null) return null;
  writeRaw(memdescAddress(page), new Uint8Array(16).fill(pattern), 0);
  return page;
}

export function run(mem: Memory): void {
  const stableTree = new Map<string, ARef<KsmInstance>>();
  const rmap: RmapItem[] = [];
  const candidates: [string, number][] = [['mm1', 0x11], ['mm2', 0x11], ['mm3', 0x22]];
  for (const [mm, pattern] of candidates) {
    const cand = fillCandidate(mem, pattern);
    if (cand === null) continue;
    const key = contentKey(cand);
    const existing = stableTree.get(key);
    if (existing !== undefined) {
      // identical content: map the stable page, free the duplicate
      memdescFree(cand);
      rmap.push({ mm, stable: memdescGet(existing), addr: Number(memdescAddress(existing)) });
      continue;
    }
    const stable = intoShared(cand);
    stableTree.set(key, stable);
    rmap.push({ mm, stable: memdescGet(stable), addr: Number(memdescAddress(cand)) }); // expect: use-after-move
  }
  // unmerge everything
  for (const item of rmap.splice(0)) memdescPut(item.stable);
  for (const [key, ref] of stableTree) {
    stableTree.delete(key);
    const r = tryFromShared(ref);
    if (r.unique) memdescFree(r);
    else memdescPut(r);
  }
}
