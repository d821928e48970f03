/**
 * The allocator's reports: `printk()` into the log ring, `warn_alloc()` ("page allocation
 * failure") with `show_free_areas()`, `dump_page()` with page_owner, and `bad_page()`.
 *
 * @module
 */
import { MmError, hexPfn } from '../debug/mm-error.js';
import { formatOwnerAt } from '../debug/page-owner.js';
import { NR_PAGE_ORDERS } from './constants.js';
import { __GFP_NOWARN, gfpToString } from './gfp.js';
import { KMAP_MASK, PageFlag, PageKind, PAGE_KIND_NAMES } from './memmap.js';
import type { MemoryImpl } from './memory.js';
import { VM_ALLOC_FAILURES } from './vmstat.js';
import type { Zone } from './zone.js';

/** `printk()`: into the log ring (last 4096 lines) and to the sink. */
export function printkLine(mem: MemoryImpl, line: string): void {
  logOnly(mem, line);
  const sink = mem.printk;
  if (sink !== null) sink(line);
}

/** Into the log ring only: for reports that are also thrown as an MmError. */
export function logOnly(mem: MemoryImpl, line: string): void {
  const log = mem.log;
  log.push(line);
  if (log.length > 4096) log.splice(0, log.length - 4096);
}

/** `warn_alloc()`: the "page allocation failure" report, unless `__GFP_NOWARN`. */
export function warnAlloc(mem: MemoryImpl, gfp: number, order: number, injected: boolean): void {
  mem.vm[VM_ALLOC_FAILURES]!++;
  if (gfp & __GFP_NOWARN) return;
  if (injected) printkLine(mem, 'FAULT_INJECTION: forcing a failure.');
  printkLine(mem, 
    `${mem.comm}: page allocation failure: order:${order}, mode:0x${gfp.toString(16)}(${gfpToString(gfp)}), nodemask=(null)`,
  );
  for (const z of mem.zones) printkLine(mem, showFreeArea(mem, z));
}

/** One line of `show_free_areas()`: `Node 0 Normal: 1*4kB (U) 2*8kB … = 12kB`. */
export function showFreeArea(mem: MemoryImpl, z: Zone): string {
  let total = 0;
  const parts: string[] = [];
  for (let o = 0; o < NR_PAGE_ORDERS; o++) {
    const n = z.nrFree[o]!;
    total += n * (4 << o);
    parts.push(`${n}*${4 << o}kB`);
  }
  return `Node 0 ${z.name}: ${parts.join(' ')} = ${total}kB`;
}

/** The `page:` / `flags:` lines of `dump_page()` plus page_owner, for a block head. */
export function dumpPage(mem: MemoryImpl, pfn: number): string {
  const m = mem.map;
  const kind = m.kind[pfn]!;
  const flags = m.flags[pfn]!;
  const names: string[] = [];
  if (flags & PageFlag.Head) names.push('head');
  if (flags & PageFlag.Locked) names.push('locked');
  if (flags & PageFlag.Dirty) names.push('dirty');
  if (flags & PageFlag.Reserved) names.push('reserved');
  if (flags & KMAP_MASK) names.push(`kmapped(${(flags & KMAP_MASK) >> 11})`);
  const counted = kind === PageKind.Folio;
  let s =
    `page: pfn:${hexPfn(pfn)} memdesc:${PAGE_KIND_NAMES[kind] ?? kind} order:${m.order[pfn]}` +
    (counted ? ` refcount:${m.u0[pfn]} mapcount:${m.u1[pfn]}` : '') +
    `\nflags: 0x${flags.toString(16)}(${names.join('|')})`;
  const po = mem.pageOwner;
  if (po !== null) {
    // __dump_page_owner()
    const owner = formatOwnerAt(po, pfn, gfpToString(po.gfp(pfn)), mem.comm);
    s += '\n' + (owner ?? 'page_owner info is not present (never set?)');
  }
  return s;
}

/** `bad_page()`: builds the report and the MmError; the caller throws it. */
export function badPage(mem: MemoryImpl, pfn: number, reason: string, code: MmError['code'] = 'BAD_PAGE_STATE'): MmError {
  const msg = `BUG: Bad page state in process ${mem.comm} pfn:${hexPfn(pfn)} reason: ${reason}\n${dumpPage(mem, pfn)}`;
  logOnly(mem, msg);
  return new MmError(code, msg, pfn);
}
