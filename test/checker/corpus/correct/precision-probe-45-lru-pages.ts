import { allocPage, freePage, listLruInit, listLruAdd, listLruWalk, listLruCount, GFP_KERNEL, LRU_REMOVED, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const lru = listLruInit<Owned<Page<0>>>(mem);
  for (let i = 0; i < 3; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p) listLruAdd(lru, p);
  }
  listLruWalk(
    lru,
    (p) => {
      freePage(p);
      return LRU_REMOVED;
    },
    listLruCount(lru),
  );
}
