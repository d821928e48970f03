/**
 * Per-skb tx completion callbacks are queued; ring teardown frees the in-flight skbs before they run.
 *
 * Kernel: skb destructors / tx timestamps run at tx completion (napi_consume_skb).
 * Protocol: a completion callback that reads its skb must run before the skb is freed,
 * or the teardown must drop the callbacks together with the skbs.
 */
import { type Memory } from 'memdesc';
import { allocSkb, kfreeSkb, skbPeekHeader, skbPutData, type SkBuff } from '../lib/skb.js';

export function run(mem: Memory): void {
  const inflight: SkBuff[] = [];
  const completions: (() => number)[] = [];
  for (let i = 0; i < 3; i++) {
    const skb = allocSkb(mem, 0x0800);
    if (skb === null) break;
    skbPutData(skb, new Uint8Array([i + 1]));
    inflight.push(skb);
    completions.push(() => skbPeekHeader(skb)); // expect-also: use-after-free
  }
  for (const skb of inflight.splice(0)) kfreeSkb(skb); // ndo_stop: drop everything in flight
  let stamped = 0;
  for (const done of completions) stamped += done(); // expect: use-after-free
  if (stamped === 0) throw new Error('no completions');
}
