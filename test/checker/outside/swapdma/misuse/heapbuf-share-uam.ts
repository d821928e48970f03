// The exporter fills a heap buffer, publishes it to importers as a shared (counted) buffer and
// logs the buffer's fill byte.
// Bug: the log reads through the owned handle, which share() (intoShared) consumed.
import { type Memory } from 'memdesc';
import { allocHeapBuf, share, getRef, dropRef, firstByte, type SharedBuf } from '../lib/sharedbuf.js';

export function run(mem: Memory): void {
  const importers: SharedBuf[] = [];
  const buf = allocHeapBuf(mem, 0x42);
  if (buf === null) return;
  const shared = share(buf); // expect-also: use-after-move
  importers.push(getRef(shared), getRef(shared));
  const log = `published heap_buf fill=${firstByte(buf)}`; // expect: use-after-move
  void log;
  dropRef(shared);
  for (const r of importers) dropRef(r);
}
