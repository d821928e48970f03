// Reassign after free: the same variable holds a new allocation after the old one was freed,
// in a retry loop and in a rotation of the crash collector's staging page.
import { allocPage, freePage, writeRaw, withPageMapped, GFP_KERNEL, type Memory } from 'memdesc';
import { BouncePool, bounceIn } from '../lib/swiotlb.js';
import { DumpImage, workingSet, pfnOf } from '../lib/crashdump.js';

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 1);
  let slot = pool.get();
  for (let attempt = 0; attempt < 3 && slot !== null; attempt++) {
    bounceIn(slot, new Uint8Array([attempt]));
    pool.put(slot);
    slot = pool.get(); // a fresh slot for the next attempt
  }
  if (slot !== null) pool.put(slot);
  pool.destroy();

  const image = new DumpImage(4);
  const pages = workingSet(mem, 3);
  let staging = allocPage(mem, GFP_KERNEL);
  for (const p of pages) {
    if (staging === null) break;
    const pfn = pfnOf(p);
    withPageMapped(p, (view) => image.add(pfn, view, 32));
    writeRaw(staging, new Uint8Array([pfn & 0xff]), 0);
    freePage(staging);
    staging = allocPage(mem, GFP_KERNEL); // rotate: a new staging page per record
  }
  if (staging !== null) freePage(staging);
  for (const p of pages) freePage(p);
}
