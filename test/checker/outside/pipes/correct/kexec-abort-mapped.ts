// kexec_file_load()-like segment loader: copy each segment into freshly allocated pages,
// verify the image, and free the whole page list when anything fails.
import { allocPage, freePage, withPageMapped, GFP_KERNEL, PAGE_SIZE, type Memory, type Owned, type Page } from 'memdesc';

interface KimagePage {
  page: Owned<Page<0>>;
  next: KimagePage | null;
}

class Kimage {
  head: KimagePage | null = null;
  nrPages = 0;
  add(page: Owned<Page<0>>): void {
    this.head = { page, next: this.head };
    this.nrPages++;
  }
  /** kimage_free_page_list() */
  freeAll(): void {
    let e = this.head;
    this.head = null;
    while (e !== null) {
      const next = e.next;
      freePage(e.page);
      e = next;
    }
    this.nrPages = 0;
  }
}

function checksum(view: Uint8Array, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s = (s + (view[i] ?? 0)) & 0xffff;
  return s;
}

function loadSegment(mem: Memory, image: Kimage, data: Uint8Array, expected: number): boolean {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) {
    image.freeAll();
    return false;
  }
  image.add(page);
  const ok = withPageMapped(page, (view) => {
    view.set(data.subarray(0, PAGE_SIZE));
    return checksum(view, data.length) === expected;
  });
  if (!ok) image.freeAll(); // unmapped now: safe to free the list
  return ok;
}

export function run(mem: Memory): void {
  const image = new Kimage();
  const segs = [new Uint8Array([1, 2, 3]), new Uint8Array([9, 9])];
  const sums = [6, 17]; // the second segment's digest is wrong
  for (let i = 0; i < segs.length; i++) {
    if (!loadSegment(mem, image, segs[i] ?? new Uint8Array(0), sums[i] ?? 0)) return;
  }
  image.freeAll(); // kexec unload
}
