// A shared heap buffer handed to importers kept in a Map; each importer's reference is dropped
// by a switch on its detach reason, and the exporter takes the buffer back at the end.
import { type Memory } from 'memdesc';
import { allocHeapBuf, share, getRef, dropRef, firstByte, reclaimBuf, type SharedBuf } from '../lib/sharedbuf.js';
import { DmaHeap, writeBuf, readBuf } from '../lib/dmabuf.js';

type Reason = 'close' | 'error' | 'migrate';

export function run(mem: Memory): void {
  const owned = allocHeapBuf(mem, 0x11);
  if (owned === null) return;
  const exporter = share(owned); // `owned` is not used again
  const importers = new Map<number, SharedBuf>();
  for (const dev of [1, 2, 3]) importers.set(dev, getRef(exporter));
  const reasons: Reason[] = ['close', 'error', 'migrate'];
  let i = 0;
  for (const [dev, ref] of importers) {
    const reason = reasons[i++ % reasons.length];
    switch (reason) {
      case 'close':
        dropRef(ref);
        break;
      case 'error':
        void firstByte(ref);
        dropRef(ref);
        break;
      default: {
        const moved = getRef(ref); // migrate: the new device takes its own reference
        dropRef(ref);
        dropRef(moved);
      }
    }
    importers.delete(dev);
  }
  if (!reclaimBuf(exporter)) throw new Error('heap_buf still shared');

  // the page heap: buffers released through the heap, even the ones still attached
  const heap = new DmaHeap(mem);
  const a = heap.allocate(2);
  const b = heap.allocate(1);
  if (a !== null) {
    writeBuf(a, 1, new Uint8Array([5]));
    void readBuf(a, 1, 1);
    const att = heap.attach(a, 9);
    if (att !== null) heap.detach(a, att);
    heap.attach(a, 10); // left attached: release() detaches it
  }
  if (b !== null) heap.release(b);
  heap.releaseAll();
}
