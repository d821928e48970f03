/**
 * `page_owner` — remembers who allocated each live block and who freed it last
 * (mm/page_owner.c), so reports can say where a page came from.
 *
 * Capturing a stack costs about a microsecond; `createMemory({ debug: 'fast' })` turns it off.
 *
 * @module
 */
import { gfpToString } from '../page-alloc/gfp.js';

/** What page_owner knows about one allocation. */
export interface PageOwnerRecord {
  /** Head pfn of the block. */
  readonly pfn: number;
  readonly order: number;
  readonly gfp: number;
  /** Allocation timestamp, in the Memory's clock ticks (one tick per page-allocator call). */
  readonly ts: number;
  /** The task name (`current->comm`). */
  readonly comm: string;
  /** Captured lazily: V8 formats the stack only when it is read. */
  readonly site: Error | undefined;
}

/** What page_owner knows about a block's last free. */
export interface PageFreeRecord {
  readonly ts: number;
  readonly site: Error | undefined;
}

/** Frames of memdesc itself are noise in a user's report: drop them. */
const INTERNAL_FRAME = /[\\/](?:src|dist)[\\/](?:page-alloc|debug|proc|types|folio|slab|vmalloc|reclaim|index)[\\/.]/;

/** The call stack of an allocation or free site, without memdesc's own frames. */
export function formatSite(site: Error | undefined, indent = ' '): string {
  if (site === undefined || typeof site.stack !== 'string') return `${indent}(no stack: page_owner is off)`;
  const frames = site.stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at ') && !INTERNAL_FRAME.test(l) && !l.includes('node:internal') && !l.includes('node_modules'));
  if (frames.length === 0) return `${indent}(no user frames)`;
  return frames
    .slice(0, 8)
    .map((f) => indent + f.slice(3))
    .join('\n');
}

/** The kernel's page_owner header line for one allocation. */
export function formatOwner(rec: PageOwnerRecord): string {
  return (
    `page last allocated via order ${rec.order}, gfp_mask 0x${rec.gfp.toString(16)}(${gfpToString(rec.gfp)}), ` +
    `comm ${rec.comm}, ts ${rec.ts}\n` +
    formatSite(rec.site)
  );
}

export function formatFree(rec: PageFreeRecord): string {
  return `page last free ts ${rec.ts}, stack:\n` + formatSite(rec.site);
}

/** Captures the current stack cheaply (formatting is deferred until a report needs it). */
export function captureSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  const e = new Error('page_owner');
  Error.stackTraceLimit = limit;
  return e;
}
