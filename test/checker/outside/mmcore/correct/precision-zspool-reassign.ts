// A writeback loop that reuses one staging page per batch: the page is freed at the end of each
// batch and the variable reassigned with a fresh one; compressed copies go to the zs pool, whose
// handles are mapped around each access and freed after the readback.
import { allocPage, freePage, writeRaw, readRaw, PAGE_SIZE, GFP_KERNEL, type Memory } from 'memdesc';
import { ZsPool } from '../lib/zspool.js';

function compress(page: Uint8Array): Uint8Array {
  // run-length of the first byte, good enough for a prototype
  return Uint8Array.of(page[0] ?? 0, page.length >> 8);
}

export function run(mem: Memory): void {
  const pool = new ZsPool(mem, 'zram0');
  const handles: number[] = [];
  let staging = allocPage(mem, GFP_KERNEL);
  for (let batch = 0; batch < 3 && staging !== null; batch++) {
    writeRaw(staging, new Uint8Array(PAGE_SIZE).fill(batch + 1), 0);
    const raw = new Uint8Array(PAGE_SIZE);
    readRaw(staging, raw, 0);
    const packed = compress(raw);
    const h = pool.malloc(packed.length);
    if (h !== 0) {
      pool.map(h, (obj) => obj.set(packed));
      handles.push(h);
    }
    freePage(staging);
    staging = allocPage(mem, GFP_KERNEL);
  }
  if (staging !== null) freePage(staging);
  let total = 0;
  for (const h of handles) {
    total += pool.map(h, (obj) => obj[0] ?? 0);
    pool.free(h);
  }
  console.log(`zram: ${handles.length} stored, sum ${total}, ${pool.pages} zspages left`);
  pool.destroy();
}
