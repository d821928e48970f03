// A crash-dump-like collector: pages queued for the dump are mapped one at a time with
// withPageMapped and copied out into the dump image.
import { allocPage, writeRaw, pageToPfn, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export type DumpPage = Owned<Page<0>>;

export interface DumpRecord {
  readonly pfn: number;
  readonly bytes: Uint8Array;
}

export class DumpImage {
  readonly records: DumpRecord[] = [];
  limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  get full(): boolean {
    return this.records.length >= this.limit;
  }
  add(pfn: number, view: Uint8Array, len: number): void {
    this.records.push({ pfn, bytes: view.slice(0, len) });
  }
}

/** Pages of a "crashed" task's working set, each stamped with its index. */
export function workingSet(mem: Memory, n: number): DumpPage[] {
  const out: DumpPage[] = [];
  for (let i = 0; i < n; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p === null) break;
    writeRaw(p, new Uint8Array([0xcd, i]), 0);
    out.push(p);
  }
  return out;
}

export function pfnOf(p: DumpPage): number {
  return pageToPfn(p);
}
