// Precision: a variable freed and then reassigned a fresh handle (a rotating cursor image and a
// balloon page retried after the host refused its pfn), and a Map entry deleted before its page
// is freed and a new one set.
import { allocPage, freePage, pageToPfn, writeRaw, readRaw, GFP_KERNEL, type Memory, type Owned, type Page, type PageVar } from 'memdesc';
import { BalloonDev, BalloonHost } from '../lib/balloon.js';

export function run(mem: Memory): void {
  // Cursor animation: one page per frame, the previous frame freed before the next is drawn.
  let frame: PageVar<0> | null = allocPage(mem, GFP_KERNEL);
  for (let i = 1; i < 4 && frame !== null; i++) {
    writeRaw(frame, new Uint8Array([i]), 0);
    freePage(frame);
    frame = allocPage(mem, GFP_KERNEL);
  }
  if (frame !== null) freePage(frame);

  // Balloon: the host refuses pfns below 4; such a page is freed and the variable reused.
  const dev = new BalloonDev(mem, new BalloonHost(4));
  let page = BalloonDev.allocPage(mem);
  let tries = 0;
  while (page !== null && pageToPfn(page) < 4 && tries++ < 8) {
    const keep: Owned<Page<0>> = page;
    page = BalloonDev.allocPage(mem); // the next candidate first, so the pfn differs
    freePage(keep);
  }
  if (page !== null) {
    dev.host.tellInflate([pageToPfn(page)]);
    dev.enqueue(page);
  }

  // Per-CRTC gamma tables: delete the entry, free its page, set a new one.
  const gamma = new Map<number, Owned<Page<0>>>();
  const first = allocPage(mem, GFP_KERNEL);
  if (first !== null) gamma.set(0, first);
  const old = gamma.get(0);
  if (old !== undefined) {
    gamma.delete(0);
    freePage(old);
  }
  const next = allocPage(mem, GFP_KERNEL);
  if (next !== null) {
    writeRaw(next, new Uint8Array([9]), 0);
    gamma.set(0, next);
  }
  const px = new Uint8Array(1);
  for (const p of gamma.values()) readRaw(p, px, 0);
  for (const p of gamma.values()) freePage(p);
  gamma.clear();
  dev.remove();
}
