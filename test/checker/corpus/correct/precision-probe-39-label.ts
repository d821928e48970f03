import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const grid: Owned<Page<0>>[][] = [];
  for (let r = 0; r < 2; r++) {
    const row: Owned<Page<0>>[] = [];
    for (let c = 0; c < 2; c++) {
      const p = allocPage(mem, GFP_KERNEL);
      if (p) row.push(p);
    }
    grid.push(row);
  }
  outer: for (const row of grid) {
    for (const p of row) {
      const b = new Uint8Array(1);
      readRaw(p, b, 0);
      if (b[0] === 42) break outer;
    }
  }
  for (const row of grid) for (const p of row) freePage(p);
}
