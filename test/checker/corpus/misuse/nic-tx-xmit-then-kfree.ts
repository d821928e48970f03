/**
 * ndo_start_xmit: the frame is queued to the wire (which consumes the skb); the error path frees it too.
 *
 * Kernel: ndo_start_xmit() owns the skb; dev_queue_xmit() consumes it on every path.
 * Protocol: after devQueueXmit() the caller has no skb left to free; only a frame
 * refused before the handoff is freed by the caller.
 * The loopback wire keeps a copy of each frame, not the skb.
 */
import { type Memory } from 'memdesc';
import { allocSkb, devQueueXmit, kfreeSkb, skbPutData } from '../lib/skb.js';

export function run(mem: Memory): void {
  const wire: Uint8Array[] = [];
  const skb = allocSkb(mem, 0x86dd);
  if (skb === null) return;
  skbPutData(skb, new Uint8Array([0x60, 0, 0, 0]));
  devQueueXmit(skb, wire);
  if (wire.length > 0) kfreeSkb(skb); // expect: double-free
}
