/** The catch frees the skb and rethrows; the normal path hands the skb on. Each path consumes it once. */
import { type Memory } from 'memdesc';
import { allocSkb, devQueueXmit, kfreeSkb, skbPutData, type SkBuff } from '../lib/skb.js';

function build(mem: Memory, payload: Uint8Array): SkBuff {
  const skb = allocSkb(mem, 0x0800);
  if (skb === null) throw new Error('ENOMEM');
  try {
    if (payload.length > 1500) throw new Error('EMSGSIZE');
    skbPutData(skb, payload);
  } catch (e) {
    kfreeSkb(skb);
    throw e;
  }
  return skb;
}

export function run(mem: Memory): void {
  const wire: Uint8Array[] = [];
  devQueueXmit(build(mem, new Uint8Array(64)), wire);
  try {
    devQueueXmit(build(mem, new Uint8Array(9000)), wire);
  } catch {
    // EMSGSIZE reported to the socket
  }
  if (wire.length !== 1) throw new Error('lost frame');
}
