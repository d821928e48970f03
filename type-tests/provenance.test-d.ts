/**
 * Rule family: provenance. Addresses remember where they came from; virtToPage takes linear-map
 * addresses only and hands back a borrow that remembers the owner; borrows cannot be freed.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  allocPage,
  freePage,
  pageAddress,
  virtToPage,
  pageToPfn,
  readRaw,
  GFP_KERNEL,
  type Borrowed,
  type Page,
  type PageOwner,
  type VirtAddr,
  type VmallocAddr,
} from '../dist/index.js';

const mem = createMemory();
const p = allocPage(mem, GFP_KERNEL)!;
const addr = pageAddress(p);
expectType<VirtAddr<PageOwner>>(addr);
const view = virtToPage(addr);
expectType<Borrowed<Page<0, PageOwner>>>(view);
readRaw(view, new Uint8Array(4), 0);
pageToPfn(view);

// A borrow is read-only ownership-wise: it cannot be freed.
expectError(freePage(view));

// Only linear-map addresses: not vmalloc ones, not plain numbers.
declare const vaddr: VmallocAddr;
expectError(virtToPage(vaddr));
expectError(virtToPage(0x888000001000));
declare const slabAddr: VirtAddr<'slab'>;
expectType<Borrowed<Page<0, 'slab'>>>(virtToPage(slabAddr));

// An address is not a page, and a page is not an address.
expectError(freePage(addr));
expectError(virtToPage(p));

freePage(p);
