/** Async I/O awaited step by step; `finally` frees the page whether the I/O throws or not. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { ioComplete } from '../lib/io.js';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

async function transfer(page: DataPage, seq: number): Promise<number> {
  writeHeader(page, seq, 0);
  await ioComplete();
  return readHeader(page).seq;
}

export async function run(mem: Memory): Promise<void> {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  try {
    for (let seq = 0; seq < 3; seq++) console.assert((await transfer(page, seq)) === seq);
  } finally {
    freePage(page);
  }
}
