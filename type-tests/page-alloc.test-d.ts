/**
 * The page allocator's signatures: what compiles and what does not (tsd, TypeScript 5.9; the same
 * files are checked by TypeScript 6.0 and 7.0 in `npm run typecheck`).
 */
import { expectAssignable, expectError, expectType, expectNotAssignable } from 'tsd';
import {
  createMemory,
  allocPages,
  allocPage,
  freePages,
  freePage,
  buddyinfo,
  memStats,
  pageToPfn,
  pageAddress,
  MmError,
  GFP_KERNEL,
  __GFP_ZERO,
  type Memory,
  type Owned,
  type Page,
  type Pfn,
  type VirtAddr,
  type MmErrorCode,
} from '../dist/index.js';

const mem = createMemory();
expectType<Memory>(mem);
expectType<Memory>(createMemory({ pages: 1024, debug: 'fast', printk: null }));
expectError(createMemory({ pages: '1024' }));
expectError(createMemory({ debug: 'verbose' }));
expectError(createMemory({ zones: [{ name: 'Normal' }] }));

// The order of the allocation is in the type.
const p2 = allocPages(mem, GFP_KERNEL, 2);
expectType<Owned<Page<2>> | null>(p2);
expectType<Owned<Page<0>> | null>(allocPage(mem, GFP_KERNEL | __GFP_ZERO));

// null must be checked before use.
expectError(freePages(p2, 2));
if (p2 !== null) {
  freePages(p2, 2);
}

// freePage takes order-0 pages only.
const p1 = allocPages(mem, GFP_KERNEL, 1);
if (p1) {
  expectError(freePage(p1));
}

// A Memory cannot be faked by a plain object.
expectError(allocPage({ nrPages: 1024, comm: 'x', debugLevel: 'fast' }, GFP_KERNEL));

const p0 = allocPage(mem, GFP_KERNEL);
if (p0) {
  expectType<Pfn>(pageToPfn(p0));
  expectAssignable<number>(pageToPfn(p0));
  expectType<VirtAddr>(pageAddress(p0));
  // A plain number is not a pfn or an address.
  expectNotAssignable<Pfn>(42);
  expectNotAssignable<VirtAddr>(0x888000000000);
  freePage(p0);
}

expectType<string>(buddyinfo(mem));
expectType<number>(memStats(mem).metadataBytesPerPage);

declare const e: MmError;
expectType<MmErrorCode>(e.code);
expectAssignable<MmErrorCode>('DOUBLE_FREE');
expectNotAssignable<MmErrorCode>('SEGFAULT');
