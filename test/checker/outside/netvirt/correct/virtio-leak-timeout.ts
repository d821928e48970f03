import { kfree, type Memory } from 'memdesc';
import { VirtQueue, allocRxBuf, RX_GFP, type VqBuf } from '../lib/virtio-ring.js';

/** Control-queue commands waiting for the device, with a deadline each. */
class CtrlQueue {
  readonly waiting = new Map<number, { buf: VqBuf; deadline: number }>();
  private seq = 0;
  constructor(
    readonly mem: Memory,
    readonly vq: VirtQueue,
  ) {}
  send(deadline: number): number {
    const buf = allocRxBuf(this.mem, RX_GFP);
    if (buf === null) return -1;
    const id = this.seq++;
    this.waiting.set(id, { buf, deadline });
    return id;
  }
  /** The watchdog: commands past their deadline are abandoned. */
  expire(now: number): number {
    let n = 0;
    for (const [id, cmd] of this.waiting) {
      if (cmd.deadline > now) continue;
      this.waiting.delete(id);
      kfree(cmd.buf);
      n++;
    }
    return n;
  }
  shutdown(): void {
    for (const cmd of this.waiting.values()) kfree(cmd.buf);
    this.waiting.clear();
  }
}

export function run(mem: Memory): void {
  const cq = new CtrlQueue(mem, new VirtQueue(mem, 8));
  cq.send(10);
  cq.send(5);
  cq.send(20);
  const expired = cq.expire(6);
  cq.shutdown();
  if (expired !== 1) throw new Error('expire');
}
