// A userfaultfd-like range: missing faults are resolved by installing a filled page at an index.
// UFFDIO_COPY returns -EEXIST if a page is already there; the caller keeps its page then.
import {
  allocPage, freePage, readRaw, writeRaw, PAGE_SIZE, GFP_KERNEL, type Memory, type Owned, type Page,
} from 'memdesc';

export const EEXIST = -17;
export const ENOMEM = -12;

export class UffdRange {
  private readonly installed = new Map<number, Owned<Page<0>>>();
  faults = 0;

  constructor(readonly mem: Memory, readonly nrPages: number) {}

  /** Installs page at idx; false (-EEXIST) if one is there, and ownership stays with the caller. */
  install(idx: number, page: Owned<Page<0>>): boolean {
    if (idx < 0 || idx >= this.nrPages || this.installed.has(idx)) return false;
    this.installed.set(idx, page);
    this.faults++;
    return true;
  }

  /** The installed page (borrowed by the range), or undefined. */
  lookup(idx: number): Owned<Page<0>> | undefined {
    return this.installed.get(idx);
  }

  /** MADV_DONTNEED: zaps (frees) the page at idx. */
  zap(idx: number): void {
    const page = this.installed.get(idx);
    if (page === undefined) return;
    this.installed.delete(idx);
    freePage(page);
  }

  read(idx: number, out: Uint8Array, offset = 0): boolean {
    const page = this.installed.get(idx);
    if (page === undefined) return false;
    readRaw(page, out, offset);
    return true;
  }

  get populated(): number {
    return this.installed.size;
  }

  /** Unregister: frees every installed page. */
  release(): void {
    for (const page of this.installed.values()) freePage(page);
    this.installed.clear();
  }
}

/** UFFDIO_COPY: allocates, fills and installs; frees its page on -EEXIST. Returns 0 or -errno. */
export function uffdCopy(range: UffdRange, idx: number, src: Uint8Array): number {
  const page = allocPage(range.mem, GFP_KERNEL);
  if (page === null) return ENOMEM;
  writeRaw(page, src.subarray(0, PAGE_SIZE), 0);
  if (!range.install(idx, page)) {
    freePage(page);
    return EEXIST;
  }
  return 0;
}

/** UFFDIO_COPY of a page the caller filled: installs it or, on -EEXIST, frees it. Consumes page. */
export function uffdInstallOrFree(range: UffdRange, idx: number, page: Owned<Page<0>>): number {
  if (range.install(idx, page)) return 0;
  freePage(page);
  return EEXIST;
}
