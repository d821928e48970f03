import { defineMemdesc, memdescAlloc, memdescFree, memdescGet, memdescPut, intoShared, tryFromShared, memdescRefCount, GFP_KERNEL, type Memory } from 'memdesc';

const Buf = defineMemdesc({ name: 'p17_buf', ownable: true, refcounted: true });

export function run(mem: Memory): void {
  const owned = memdescAlloc(mem, Buf, GFP_KERNEL);
  if (!owned) return;
  const shared = intoShared(owned);
  const extra = memdescGet(shared);
  memdescRefCount(extra);
  memdescPut(extra);
  const back = tryFromShared(shared);
  if (back.unique) memdescFree(back);
  else memdescPut(back);
}
