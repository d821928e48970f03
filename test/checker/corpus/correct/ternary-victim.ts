/**
 * `?:` picks which of two buffers to give back under memory pressure; the code then writes to the
 * buffer it kept.
 */
import { allocPage, freePage, memStats, GFP_KERNEL, type Memory } from 'memdesc';
import { fillPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const active = allocPage(mem, GFP_KERNEL);
  const spare = allocPage(mem, GFP_KERNEL);
  if (active === null || spare === null) {
    if (active !== null) freePage(active);
    if (spare !== null) freePage(spare);
    return;
  }
  const lowMem = memStats(mem).freePages < memStats(mem).totalPages; // true once anything is allocated
  const victim = lowMem ? spare : active;
  const keep = lowMem ? active : spare;
  freePage(victim);
  fillPage(keep, 0, 64);
  freePage(keep);
}
