// crypto scatterwalk: XOR a keystream over a list of source pages; each source page is
// released as soon as the walk has consumed it.
import { allocPage, freePage, withPageMapped, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

interface ScatterList { pages: Owned<Page<0>>[]; len: number }

function sgAlloc(mem: Memory, nr: number): ScatterList {
  const sg: ScatterList = { pages: [], len: 0 };
  for (let i = 0; i < nr; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (!p) break;
    writeRaw(p, new Uint8Array(16).fill(i + 1), 0);
    sg.pages.push(p);
    sg.len += 4096;
  }
  return sg;
}

function scatterwalkConsume(sg: ScatterList, key: number): number {
  let sum = 0;
  while (sg.pages.length > 0) {
    const page = sg.pages.shift();
    if (!page) break;
    withPageMapped(page, (view) => {
      for (let i = 0; i < 16; i++) {
        view[i] = (view[i] ?? 0) ^ key;
        sum += view[i] ?? 0;
      }
    });
    freePage(page);
  }
  return sum;
}

export function run(mem: Memory): number {
  const sg = sgAlloc(mem, 3);
  return scatterwalkConsume(sg, 0x3c);
}
