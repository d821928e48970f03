/**
 * memdesc — the Linux kernel's memory-descriptor ownership rules as TypeScript types, over a
 * runtime that behaves like the kernel's page allocator.
 *
 * Every export is named after the kernel function it models (C `alloc_pages` → `allocPages`).
 * Where each lives:
 *
 * | kernel file            | memdesc                     |
 * |------------------------|-----------------------------|
 * | mm/page_alloc.c        | `src/page-alloc/`           |
 * | mm/page_owner.c, debug | `src/debug/`                |
 * | /proc views            | `src/proc/`                 |
 * | include/linux/spinlock.h | `src/sync/`               |
 * | ownership, Page<O, Owner>, messages | `src/types/`   |
 *
 * @module memdesc
 */
export { PAGE_SHIFT, PAGE_SIZE, MAX_PAGE_ORDER, NR_PAGE_ORDERS, PAGE_ALLOC_COSTLY_ORDER } from './page-alloc/constants.js';
export * from './page-alloc/gfp.js';
export {
  createMemory,
  allocPages,
  allocPage,
  freePages,
  freePage,
  pageToPfn,
  pageAddress,
  pageOffset,
  virtToPage,
  drainAllPages,
  failPageAlloc,
  failPageAllocInjected,
  type Memory,
  type AllocContext,
  type VirtToPageArg,
} from './page-alloc/page-alloc.js';
export { spinLockInit, withSpinLock, type SpinLock, type AtomicContext } from './sync/spinlock.js';
export { readRaw, writeRaw, fillZeroRaw, withPageMapped, type AnyPage } from './page-alloc/contents.js';
export {
  MAX_MEMORY_PAGES,
  DEFAULT_MEMORY_BYTES,
  type MemoryOptions,
  type DebugLevel,
  type ZoneSpec,
  type VmStat,
} from './page-alloc/memory.js';
export type { FailPageAllocOptions } from './page-alloc/fault-inject.js';
export type { Watermarks } from './page-alloc/zone.js';
export { MmError, MM_ERROR_CODES, type MmErrorCode } from './debug/mm-error.js';
export { liveAllocations, checkLeaks, type LiveAllocation } from './debug/leak.js';
export { verifyMemory } from './debug/verify.js';
export { buddyinfo, memStats, meminfo, dmesg, type MemStats, type ZoneStats } from './proc/buddyinfo.js';
export type {
  Owned,
  ARef,
  Borrowed,
  OwnedMark,
  ARefMark,
  BorrowedMark,
  Consumed,
  Live,
  MaybeConsumed,
  Ownable,
  RefCounted,
  AlwaysRefCounted,
  OwnableRefCounted,
  CheckCapabilities,
} from './types/ownership.js';
export type { Page, PageOrder, PageOwner, PageVar, OrderOf, OwnerOf, OrderArg, FreeOrderArg, Pfn } from './types/page.js';
export { PAGE_OFFSET, VMALLOC_START, VMALLOC_END, type VirtAddr, type VmallocAddr, type AddrOwner } from './types/address.js';
export type { Gfp, GfpArg, AnyMaySleep } from './types/gfp.js';
export type * from './types/messages.js';
