/** Several I/Os are submitted; `Promise.all` waits for the completions before their pages are freed. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { ioComplete } from '../lib/io.js';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

async function submitIo(page: DataPage, seq: number): Promise<number> {
  writeHeader(page, seq, 512);
  await ioComplete();
  return readHeader(page).len;
}

export async function run(mem: Memory): Promise<void> {
  const pages: DataPage[] = [];
  for (let i = 0; i < 3; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page !== null) pages.push(page);
  }
  const jobs = pages.map((page, i) => submitIo(page, i));
  const done = await Promise.all(jobs);
  for (const page of pages) freePage(page);
  console.assert(done.every((len) => len === 512));
}
