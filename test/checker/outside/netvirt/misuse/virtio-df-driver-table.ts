import { kfree, type Memory } from 'memdesc';
import { VirtQueue, allocRxBuf, RX_GFP, type VqBuf } from '../lib/virtio-ring.js';

/** The driver's own table of posted buffers by descriptor id (for reset). */
class RxQueue {
  readonly posted = new Map<number, VqBuf>();
  constructor(readonly vq: VirtQueue) {}
  post(buf: VqBuf): boolean {
    const id = this.vq.addBuf(buf);
    if (id < 0) return false;
    this.posted.set(id, buf);
    return true;
  }
  /** Receive: the used buffer is consumed and freed. */
  receive(): number {
    let n = 0;
    for (let buf = this.vq.getBuf(); buf !== null; buf = this.vq.getBuf()) {
      kfree(buf); // expect-also: double-free
      n++;
    }
    return n;
  }
  /** Reset: the device is stopped, the driver frees what it posted. */
  reset(): void {
    for (const buf of this.posted.values()) kfree(buf); // expect: double-free
    this.posted.clear();
  }
}

export function run(mem: Memory): void {
  const rxq = new RxQueue(new VirtQueue(mem, 4));
  for (let i = 0; i < 4; i++) {
    const buf = allocRxBuf(mem, RX_GFP);
    if (buf === null) break;
    if (!rxq.post(buf)) kfree(buf);
  }
  rxq.vq.deviceUse(1);
  rxq.receive();
  rxq.reset();
}
