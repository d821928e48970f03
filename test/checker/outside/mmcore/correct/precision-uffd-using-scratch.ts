// `using` for scratch pages: a fault handler builds the page to install in a scratch page that the
// scope frees, including on its early returns; an installed page is handed over instead.
import { allocPage, freePage, readRaw, writeRaw, PAGE_SIZE, GFP_KERNEL, type Memory } from 'memdesc';
import { UffdRange, EEXIST, ENOMEM } from '../lib/uffd.js';

function xorInto(dst: Uint8Array, src: Uint8Array): void {
  for (let i = 0; i < dst.length; i++) dst[i]! ^= src[i] ?? 0;
}

function resolveDelta(range: UffdRange, idx: number, base: Uint8Array, delta: Uint8Array): number {
  using scratch = allocPage(range.mem, GFP_KERNEL);
  if (scratch === null) return ENOMEM;
  writeRaw(scratch, delta, 0);
  const tmp = new Uint8Array(PAGE_SIZE);
  readRaw(scratch, tmp, 0);
  xorInto(tmp, base);
  if (range.lookup(idx) !== undefined) return EEXIST; // scratch freed by the scope
  const page = allocPage(range.mem, GFP_KERNEL);
  if (page === null) return ENOMEM;
  writeRaw(page, tmp, 0);
  if (!range.install(idx, page)) {
    freePage(page);
    return EEXIST;
  }
  return 0;
}

export function run(mem: Memory): void {
  const range = new UffdRange(mem, 4);
  const base = new Uint8Array(PAGE_SIZE).fill(0x0f);
  const delta = new Uint8Array(PAGE_SIZE).fill(0xf0);
  const rcs = [0, 1, 1, 3].map((idx) => resolveDelta(range, idx, base, delta));
  const out = new Uint8Array(1);
  range.read(1, out);
  console.log(`uffd delta: ${rcs.join(',')} byte ${out[0]}`);
  range.release();
}
