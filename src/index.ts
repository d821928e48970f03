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
 * | include/linux/mm.h folios, mm/swap.c | `src/folio/`  |
 * | mm/slub.c, mm/slab_common.c (kmalloc) | `src/slab/` |
 * | mm/vmalloc.c           | `src/vmalloc/`              |
 * | struct ptdesc          | `src/pgtable/`              |
 * | mm/list_lru.c, mm/shrinker.c, mm/vmscan.c | `src/reclaim/` |
 * | your own memdesc       | `src/memdesc/`              |
 * | mm/page_owner.c, debug | `src/debug/`                |
 * | /proc views            | `src/proc/`                 |
 * | include/linux/spinlock.h | `src/sync/`               |
 * | ownership, Page<O, Owner>, messages | `src/types/`   |
 * | kmem ftrace replay     | `memdesc/trace` (`src/trace/`: Node only) |
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
export { allocPagesBulk, type BulkArrayArg, type MsgBulkArray } from './page-alloc/bulk.js';
export { pfnToPage, type PfnArg, type MsgBadPfn } from './page-alloc/page-alloc.js';
export { spinLockInit, withSpinLock, spinIsLocked, type SpinLock, type AtomicContext } from './sync/spinlock.js';
export { readRaw, writeRaw, fillZeroRaw, withPageMapped, type RawTarget, type RawReadArg, type RawWriteArg } from './page-alloc/contents.js';
export {
  folioAlloc,
  folioGet,
  folioTryGet,
  folioPut,
  getPage,
  putPage,
  folioRefCount,
  folioOrder,
  folioNrPages,
  folioSize,
  folioPfn,
  folioAddress,
  folioPage,
  pageFolio,
  folioLock,
  folioTrylock,
  folioUnlock,
  folioMapcount,
  folioAddRmapPte,
  folioRemoveRmapPte,
  type Folio,
  type LockedFolio,
  type FolioOrderOf,
  type FolioIndexArg,
  type GetPageArg,
  type FolioPage,
  type FolioPageOrderOf,
  type FolioArg,
  type FolioPutArg,
  type FolioUnlockArg,
  type FolioOrderField,
} from './folio/folio.js';
export type { FolioIndex, FolioIndexTable } from './folio/folio-index.js';
export {
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  calculateOrder,
  type KmemCache,
  type KmemCacheOptions,
  type SlabObject,
  type KmemCacheArg,
  type SlabObjectMark,
  type KmemCacheFreeArg,
  type CacheNameOf,
} from './slab/slab.js';
export {
  kmalloc,
  kfree,
  ksize,
  KMALLOC_MAX_CACHE_SIZE,
  KMALLOC_MAX_SIZE,
  type KmallocPtr,
  type KmallocOwner,
  type IsSmall,
  type FourDigitsSmall,
  type KfreeArg,
  type KmallocMark,
} from './slab/kmalloc.js';
export {
  vmalloc,
  vfree,
  vmallocToPage,
  vmallocPageIter,
  vmallocSize,
  type VmallocArea,
  type VmallocCtx,
  type VmallocToPageArg,
  type VmallocAreaArg,
  type VmallocAreaMark,
  type MsgVmallocAtomic,
} from './vmalloc/vmalloc.js';
export {
  listLruInit,
  listLruAdd,
  listLruDel,
  listLruCount,
  listLruWalk,
  listLruContains,
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_RETRY,
  LRU_STOP,
  type ListLru,
  type ListLruWalkCb,
  type LruStatus,
} from './reclaim/list-lru.js';
export {
  shrinkerAlloc,
  shrinkerRegister,
  shrinkerFree,
  SHRINK_STOP,
  SHRINK_EMPTY,
  SHRINK_BATCH,
  DEFAULT_SEEKS,
  DEF_PRIORITY,
  type Shrinker,
  type ShrinkControl,
  type ShrinkerStats,
} from './reclaim/shrinker.js';
export { kswapd, reclaimStats, SWAP_CLUSTER_MAX, type ReclaimStats } from './reclaim/vmscan.js';
export {
  pagetableAlloc,
  pagetableFree,
  ptdescPage,
  ptdescAddress,
  pagePtdesc,
  type PtDesc,
  type PtdescArg,
  type PagetableFreeArg,
} from './pgtable/ptdesc.js';
export {
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescGet,
  memdescPut,
  memdescRefCount,
  memdescPage,
  memdescAddress,
  pageMemdesc,
  intoShared,
  tryFromShared,
  type Memdesc,
  type MemdescType,
  type MemdescSpec,
  type MemdescCaps,
  type MemdescReleaseInfo,
  type MemdescRelease,
  type CapabilityMarkers,
  type CapsOf,
  type SpecArg,
  type InstanceOf,
  type AllocatedHandle,
  type MemdescGetArg,
  type MemdescFreeArg,
  type MemdescPutArg,
  type IntoSharedArg,
  type TryFromSharedArg,
  type MemdescArg,
  type OwnableCap,
  type RefcountedCap,
  type OwnableRefCountedCaps,
  type NotOwnableCap,
  type MemdescNameOf,
  type OrcRefusal,
  type NotRefcountedCap,
  type TryFromShared,
  type MsgNoLifecycle,
  type Flag,
  type SpecOrder,
  type WithCaps,
  type SameDesc,
} from './memdesc/define.js';
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
  LockedMark,
  Consumed,
  Live,
  Unconsumed,
  MaybeConsumed,
  AnyConsumed,
  HandleRefusal,
  MemdescKindMark,
  Checked,
  Ownable,
  RefCounted,
  AlwaysRefCounted,
  OwnableRefCounted,
  CheckCapabilities,
} from './types/ownership.js';
export type {
  Page,
  PageOrder,
  PageOwner,
  PageVar,
  OrderOf,
  OwnerOf,
  OrderArg,
  FreeOrderArg,
  OrderField,
  FreeOrderRow,
  FreeOrderTable,
  FreeRefusal,
  FreePagesArg,
  FreePageArg,
  PageArg,
  Expected,
  IsPlainNumber,
  Pfn,
} from './types/page.js';
export {
  PAGE_OFFSET,
  VMALLOC_START,
  VMALLOC_END,
  type VirtAddr,
  type VmallocAddr,
  type AddrOwner,
  type AddressMark,
  type LinearAddressMark,
} from './types/address.js';
export type { Gfp, GfpArg, CtxArg, AnyMaySleep, ProcessContextMark, MaySleepCtx } from './types/gfp.js';
export type * from './types/messages.js';
