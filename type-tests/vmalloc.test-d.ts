/**
 * Rule family: vmalloc. Areas are vmalloc addresses: vmallocToPage takes them, virtToPage does
 * not; vmalloc may sleep, so not under a spinlock; vfree consumes.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  vmalloc,
  vfree,
  vmallocToPage,
  vmallocPageIter,
  virtToPage,
  pageAddress,
  allocPage,
  freePage,
  readRaw,
  spinLockInit,
  withSpinLock,
  GFP_KERNEL,
  type VmallocArea,
  type Borrowed,
  type Page,
} from '../dist/index.js';

const mem = createMemory();
const area = vmalloc(mem, 16 * 4096);
expectType<VmallocArea | null>(area);
if (area) {
  expectType<Borrowed<Page<0, 'vmalloc'>>>(vmallocToPage(area));
  expectError(virtToPage(area)); // not in the linear map
  for (const page of vmallocPageIter(area)) readRaw(page, new Uint8Array(1), 0);
  expectError(freePage(vmallocToPage(area))); // a borrow: the area owns its pages
  vfree(area);
  expectError(vfree(area));
  expectError(vmallocToPage(area));
  expectError(readRaw(area, new Uint8Array(1), 0));
}

const p = allocPage(mem, GFP_KERNEL)!;
expectError(vmallocToPage(pageAddress(p))); // a linear-map address
freePage(p);

withSpinLock(spinLockInit(mem), (ctx) => {
  expectError(vmalloc(ctx, 4096)); // vmalloc may sleep
});
