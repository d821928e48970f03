// The exporter fills a heap buffer, publishes it to importers as a shared (counted) buffer and
// logs the buffer's fill byte.
// Fixed: the log reads through the shared reference share() returned.
import { type Memory } from 'memdesc';
import { allocHeapBuf, share, getRef, dropRef, firstByte, type SharedBuf } from '../lib/sharedbuf.js';

export function run(mem: Memory): void {
  const importers: SharedBuf[] = [];
  const buf = allocHeapBuf(mem, 0x42);
  if (buf === null) return;
  const shared = share(buf);
  importers.push(getRef(shared), getRef(shared));
  const log = `published heap_buf fill=${firstByte(shared)}`;
  void log;
  dropRef(shared);
  for (const r of importers) dropRef(r);
}
