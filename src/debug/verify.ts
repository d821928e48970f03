/**
 * A full consistency check of the allocator — what `CONFIG_DEBUG_VM` checks piecemeal, done all
 * at once. Used by the property tests and by `debug: 'paranoid'`.
 *
 * @module
 */
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS } from '../page-alloc/constants.js';
import { PageFlag, PageKind, PAGE_KIND_NAMES } from '../page-alloc/memmap.js';
import { verifyHook } from '../page-alloc/hooks.js';
import { asMemory, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';
import { hexPfn } from './mm-error.js';

/** Checks every invariant; returns the problems found (empty when the allocator is sound). */
export function findInconsistencies(mem: MemoryImpl, limit = 20): string[] {
  const out: string[] = [];
  const bad = (s: string) => {
    if (out.length < limit) out.push(s);
  };
  const m = mem.map;
  let allocatedPages = 0;
  let allocations = 0;
  const byKind = new Float64Array(16);
  for (const z of mem.zones) {
    const nrFree = new Int32Array(NR_PAGE_ORDERS);
    let freePages = 0;
    let pcpSeen = 0;
    // 1. Walk the zone block by block: every pfn belongs to exactly one block.
    for (let pfn = z.start; pfn < z.end; ) {
      const kind = m.kind[pfn]!;
      const order = m.order[pfn]!;
      if (kind === PageKind.None || kind === PageKind.Tail) {
        bad(`pfn ${hexPfn(pfn)} starts no block (kind ${PAGE_KIND_NAMES[kind]})`);
        pfn++;
        continue;
      }
      if (order > MAX_PAGE_ORDER || (pfn & ((1 << order) - 1)) !== 0 || pfn + (1 << order) > z.end) {
        bad(`block at ${hexPfn(pfn)} has bad order ${order} for its position`);
        pfn++;
        continue;
      }
      const size = 1 << order;
      const compound = (m.flags[pfn]! & PageFlag.Head) !== 0;
      for (let t = pfn + 1; t < pfn + size; t++) {
        const tk = m.kind[t]!;
        if (compound ? tk !== PageKind.Tail || m.u0[t] !== pfn : tk !== PageKind.None) {
          bad(`pfn ${hexPfn(t)} inside block ${hexPfn(pfn)} (order ${order}) has kind ${PAGE_KIND_NAMES[tk]}`);
          break;
        }
      }
      if ((kind === PageKind.Buddy || kind === PageKind.Pcp) && m.flags[pfn] !== 0) {
        bad(`free block ${hexPfn(pfn)} has flags 0x${m.flags[pfn]!.toString(16)}`);
      }
      if (kind === PageKind.Buddy) {
        nrFree[order]!++;
        freePages += size;
        if (order < MAX_PAGE_ORDER) {
          const buddy = pfn ^ size;
          if (buddy >= z.start && buddy < z.end && m.kind[buddy] === PageKind.Buddy && m.order[buddy] === order) {
            bad(`free buddies ${hexPfn(pfn)} and ${hexPfn(buddy)} of order ${order} were not merged`);
          }
        }
      } else if (kind === PageKind.Pcp) {
        if (order !== 0) bad(`per-CPU page ${hexPfn(pfn)} has order ${order}`);
        pcpSeen++;
      } else {
        allocatedPages += size;
        allocations++;
        byKind[kind]! += size;
      }
      pfn += size;
    }
    // 2. The free lists hold exactly the Buddy blocks, linked both ways, counted right.
    for (let o = 0; o < NR_PAGE_ORDERS; o++) {
      let n = 0;
      let prev = -1;
      for (let p = z.freeHead[o]!; p >= 0; p = m.u0[p]!) {
        if (m.kind[p] !== PageKind.Buddy || m.order[p] !== o) bad(`free list ${o} holds ${hexPfn(p)} which is not a free block of that order`);
        if (m.u1[p] !== prev) bad(`free list ${o}: broken prev link at ${hexPfn(p)}`);
        prev = p;
        if (++n > z.end - z.start) {
          bad(`free list ${o} has a cycle`);
          break;
        }
      }
      if (z.freeTail[o] !== prev) bad(`free list ${o}: tail pointer ${z.freeTail[o]} should be ${prev}`);
      if (n !== nrFree[o] || n !== z.nrFree[o]) bad(`zone ${z.name} order ${o}: nr_free ${z.nrFree[o]}, list ${n}, memmap ${nrFree[o]}`);
    }
    if (freePages !== z.freePages) bad(`zone ${z.name}: NR_FREE_PAGES ${z.freePages}, recount ${freePages}`);
    // 3. The per-CPU ring holds exactly the Pcp pages, once each.
    const seen = new Set<number>();
    for (let i = 0; i < z.pcpCount; i++) {
      const p = z.pcp[(z.pcpBottom + i) & z.pcpMask]!;
      if (m.kind[p] !== PageKind.Pcp) bad(`per-CPU list holds ${hexPfn(p)} of kind ${PAGE_KIND_NAMES[m.kind[p]!]}`);
      if (seen.has(p)) bad(`per-CPU list holds ${hexPfn(p)} twice`);
      seen.add(p);
    }
    if (pcpSeen !== z.pcpCount) bad(`zone ${z.name}: ${z.pcpCount} pages on the per-CPU list, ${pcpSeen} in the memmap`);
  }
  // 4. Counters match the recount.
  if (allocations !== mem.liveAllocations) bad(`live allocations: counter ${mem.liveAllocations}, recount ${allocations}`);
  for (let k = 0; k < 16; k++) {
    if (byKind[k] !== mem.allocatedByKind[k]) bad(`pages of kind ${PAGE_KIND_NAMES[k]}: counter ${mem.allocatedByKind[k]}, recount ${byKind[k]}`);
  }
  const total = allocatedPages + mem.totalFreePages + mem.pcpPages;
  if (total !== mem.nrPages) bad(`pages accounted ${total} != ${mem.nrPages}`);
  return out;
}

/** Throws an Error listing the inconsistencies, if any. */
export function verifyMemoryImpl(mem: MemoryImpl): void {
  const problems = findInconsistencies(mem);
  if (problems.length > 0) throw new Error(`memdesc: allocator inconsistent:\n  ${problems.join('\n  ')}`);
}

// debug: 'paranoid' runs this after every page-allocator call, through the hook (the page
// allocator does not import this layer).
verifyHook.fn = verifyMemoryImpl;

/**
 * `CONFIG_DEBUG_VM`'s checks, all at once (`check_free_page()`, `__free_one_page()`'s buddy
 * checks, the `nr_free` counters) — checks every invariant of the buddy allocator: every pfn in
 * exactly one block, free lists linked and counted right, no two free buddies of one order left
 * unmerged, per-CPU lists and counters matching a recount. Throws an `Error` naming what is wrong.
 *
 * **When to use**: in tests after a sequence of operations; `debug: 'paranoid'` runs it after
 * every call. It reads the whole memmap, so it costs O(pages).
 *
 * **Gotchas**: it throws a plain `Error` (not an `MmError`): an inconsistency is a bug in memdesc,
 * not in the caller. A non-`Memory` argument is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, verifyMemory } from 'memdesc';
 * verifyMemory(createMemory({ pages: 4096 })); // passes
 * ```
 */
export function verifyMemory(mem: Memory): void {
  verifyMemoryImpl(asMemory(mem, 'verifyMemory'));
}
