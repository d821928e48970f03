/** A variable freed and then given a fresh page is live again; a closure reads the binding, so it sees the fresh page. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  let cur: DataPage | null = allocPage(mem, GFP_KERNEL);
  if (cur === null) return;
  writeHeader(cur, 1, 0);
  const seqOfCurrent = (): number => (cur === null ? -1 : readHeader(cur).seq);
  freePage(cur);
  cur = allocPage(mem, GFP_KERNEL); // live again
  if (cur === null) return;
  writeHeader(cur, 2, 0);
  console.assert(seqOfCurrent() === 2);
  freePage(cur);
  cur = null;
}
