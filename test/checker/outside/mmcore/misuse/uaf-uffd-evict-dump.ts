// Live-migration source: cold pages of the uffd range are evicted (zapped) and their contents
// streamed to the destination, which will fault them back in from the stream.
import { readRaw, PAGE_SIZE, type Memory, type Page, type Owned } from 'memdesc';
import { UffdRange, uffdCopy } from '../lib/uffd.js';

interface Sink<T> {
  chunks: T[];
  push(chunk: T): void;
}

function makeSink(): Sink<Uint8Array> {
  return { chunks: [], push(c) { this.chunks.push(c); } };
}

function streamPage(page: Owned<Page<0>>, sink: Sink<Uint8Array>): void {
  const buf = new Uint8Array(PAGE_SIZE);
  readRaw(page, buf, 0);
  sink.push(buf);
}

function evictCold(range: UffdRange, cold: number[], sink: Sink<Uint8Array>): number {
  let n = 0;
  for (const idx of cold) {
    const page = range.lookup(idx);
    if (page === undefined) continue;
    range.zap(idx);
    streamPage(page, sink); // expect: use-after-free
    n++;
  }
  return n;
}

export function run(mem: Memory): void {
  const range = new UffdRange(mem, 8);
  for (let i = 0; i < 8; i++) {
    if (uffdCopy(range, i, new Uint8Array(PAGE_SIZE).fill(i)) !== 0) throw new Error('fault');
  }
  const sink = makeSink();
  const n = evictCold(range, [1, 4, 6], sink);
  console.log(`migrate: evicted ${n}, streamed ${sink.chunks.length}, ${range.populated} resident`);
  range.release();
}
