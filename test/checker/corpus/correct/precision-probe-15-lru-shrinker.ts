import { allocPage, freePage, listLruInit, listLruAdd, listLruWalk, listLruCount, listLruDel, shrinkerAlloc, shrinkerRegister, shrinkerFree, GFP_KERNEL, LRU_REMOVED, LRU_SKIP, type Memory, type Owned, type Page } from 'memdesc';

interface Idle {
  page: Owned<Page<0>> | null;
  pinned: boolean;
}

export function run(mem: Memory): void {
  const lru = listLruInit<Idle>(mem);
  const items: Idle[] = [];
  for (let i = 0; i < 4; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (!page) continue;
    const it: Idle = { page, pinned: i === 0 };
    items.push(it);
    listLruAdd(lru, it);
  }
  const s = shrinkerAlloc(mem, 0, 'p15');
  s.countObjects = () => listLruCount(lru);
  s.scanObjects = (_s, sc) =>
    listLruWalk(
      lru,
      (it) => {
        if (it.pinned) return LRU_SKIP;
        const p = it.page;
        it.page = null;
        if (p) freePage(p);
        return LRU_REMOVED;
      },
      sc.nrToScan,
    );
  shrinkerRegister(s);
  s.scanObjects(s, { gfpMask: GFP_KERNEL, nid: 0, nrToScan: 10, nrScanned: 0 });
  for (const it of items) {
    if (it.page) {
      listLruDel(lru, it);
      freePage(it.page);
      it.page = null;
    }
  }
  shrinkerFree(s);
}
