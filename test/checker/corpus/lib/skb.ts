/** sk_buff-like network buffers: header and payload in one kmalloc object. */
import { kmalloc, kfree, writeRaw, readRaw, GFP_KERNEL, GFP_ATOMIC, type AllocContext, type Memory, type KmallocPtr } from 'memdesc';

export const SKB_DATA_SIZE = 2048;

export interface SkBuff {
  readonly data: KmallocPtr<'slab'>;
  len: number;
  proto: number;
}

/** alloc_skb(GFP_KERNEL): process context only. */
export function allocSkb(mem: Memory, proto: number): SkBuff | null {
  const data = kmalloc(mem, 2048, GFP_KERNEL);
  if (data === null) return null;
  return { data, len: 0, proto };
}

/** netdev_alloc_skb() from the rx softirq: never sleeps. */
export function allocSkbAtomic(ctx: AllocContext, proto: number): SkBuff | null {
  const data = kmalloc(ctx, 2048, GFP_ATOMIC);
  if (data === null) return null;
  return { data, len: 0, proto };
}

/** skb_put_data(). */
export function skbPutData(skb: SkBuff, bytes: Uint8Array): void {
  writeRaw(skb.data, bytes, skb.len);
  skb.len += bytes.length;
}

/** Reads the first payload byte (the "header"). */
export function skbPeekHeader(skb: SkBuff): number {
  const b = new Uint8Array(1);
  readRaw(skb.data, b, 0);
  return b[0]!;
}

/** kfree_skb(). */
export function kfreeSkb(skb: SkBuff): void {
  kfree(skb.data);
}

/** dev_queue_xmit() on a loopback wire: copies the frame out and consumes the skb. */
export function devQueueXmit(skb: SkBuff, wire: Uint8Array[]): void {
  const frame = new Uint8Array(skb.len);
  readRaw(skb.data, frame, 0);
  wire.push(frame);
  kfree(skb.data);
}
