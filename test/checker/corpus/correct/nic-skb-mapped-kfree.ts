/**
 * A packet dump kmaps the skb's slab page, copies out, and frees the skb after unmapping.
 *
 * Kernel: a packet dump kmaps the page behind skb->data (a kmalloc slab page).
 * Protocol: freeing the slab's last object frees its page; that must not happen while
 * the page is kmapped, so the skb is freed after the dump's mapping ends.
 */
import { virtToPage, withPageMapped, type Memory } from 'memdesc';
import { allocSkb, kfreeSkb, skbPutData } from '../lib/skb.js';

export function run(mem: Memory): void {
  const skb = allocSkb(mem, 0x0806);
  if (skb === null) return;
  skbPutData(skb, new Uint8Array([0, 1, 8, 0]));
  const dump: number[] = [];
  withPageMapped(virtToPage(skb.data), (view) => {
    dump.push(view[0]!, view[1]!);
  });
  kfreeSkb(skb);
}
