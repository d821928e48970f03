/**
 * GRO flow table: a flow's page is freed through one lookup and merged into through a second one.
 *
 * Kernel: GRO keeps per-flow buffers (napi->gro_hash); a timed-out flow is flushed.
 * Protocol: the Map owns each flow's page; a page freed through one lookup must be
 * deleted from the Map in the same step, or the next lookup finds a dead page.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const flows = new Map<number, Owned<Page<0>>>();
  for (const id of [11, 12]) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p !== null) flows.set(id, p);
  }
  const stale = flows.get(11);
  if (stale !== undefined) freePage(stale); // flow timed out
  const merge = flows.get(11);
  if (merge !== undefined) writeRaw(merge, new Uint8Array([1, 2, 3]), 64); // expect: use-after-free
  for (const p of flows.values()) if (p !== stale) freePage(p);
}
