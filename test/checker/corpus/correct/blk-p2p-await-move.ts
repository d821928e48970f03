/**
 * Peer-to-peer DMA: the buffer is shared with the NVMe queue; after the await it is read through that reference.
 *
 * Kernel: PCI peer-to-peer DMA buffers shared between a GPU and an NVMe queue.
 * Protocol: intoShared() moves the exporter's Owned handle into the queue's ARef;
 * from then on only the returned reference names the buffer, across awaits too.
 */
import { defineMemdesc, intoShared, memdescAddress, memdescAlloc, memdescPut, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { ioTick } from '../lib/blkq.js';

const P2pBuf = defineMemdesc({ name: 'p2p_dma_buf', ownable: true, refcounted: true });

export async function run(mem: Memory): Promise<void> {
  const buf = memdescAlloc(mem, P2pBuf, GFP_KERNEL);
  if (buf === null) return;
  const queueRef = intoShared(buf); // handed to the queue
  await ioTick();
  const status = new Uint8Array(4);
  readRaw(memdescAddress(queueRef), status, 0);
  memdescPut(queueRef);
}
