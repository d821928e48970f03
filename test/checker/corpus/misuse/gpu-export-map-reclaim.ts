/** The GEM handle table holds shared buffers; a reclaim pass takes each back and then reads the old references. */
import { defineMemdesc, intoShared, memdescAlloc, memdescFree, memdescPut, memdescRefCount, tryFromShared, GFP_KERNEL, type ARef, type InstanceOf, type Memory } from 'memdesc';

const GemBuf = defineMemdesc({ name: 'gem_export', ownable: true, refcounted: true });
type Gem = InstanceOf<typeof GemBuf>;

export function run(mem: Memory): void {
  const handles = new Map<number, ARef<Gem>>();
  for (let h = 1; h <= 2; h++) {
    const o = memdescAlloc(mem, GemBuf, GFP_KERNEL);
    if (o !== null) handles.set(h, intoShared(o));
  }
  for (const ref of handles.values()) {
    const back = tryFromShared(ref);
    if (back.unique) memdescFree(back);
    else memdescPut(back);
  }
  let live = 0;
  for (const ref of handles.values()) live += memdescRefCount(ref); // expect: use-after-move
  handles.clear();
  if (live !== 0) throw new Error('buffers still referenced');
}
