/**
 * Every compile-time refusal of memdesc, as a sentence. A refused call shows one of these in the
 * compiler's message, as the type its argument failed to match — so the error names the kernel
 * rule instead of saying `Type 'false' is not assignable to type 'true'`.
 *
 * @module
 */

import type { Checked } from './ownership.js';

/**
 * `alloc_pages()` with an order outside 0..`MAX_PAGE_ORDER` — the compile-time refusal of a literal
 * order such as 11, -1 or 1.5 ({@link OrderArg}); at run time the same call is `INVALID_ARGUMENT`.
 */
export type MsgBadOrder = 'alloc_pages(): order must be 0..MAX_PAGE_ORDER (10)';
/**
 * `__free_pages()` with another order than the allocation's — the compile-time refusal
 * ({@link FreeOrderArg}); at run time the same call is `BAD_ORDER`, reported as the kernel's
 * "Bad page state".
 */
export type MsgWrongFreeOrder<Allocated extends number> =
  `__free_pages(): this block was allocated with order ${Allocated}; free it with that order`;
/**
 * `might_sleep()` under a spinlock ("BUG: sleeping function called from invalid context") — a
 * sleeping GFP value in atomic context, refused at compile time ({@link GfpArg}); at run time
 * `SLEEP_IN_ATOMIC`.
 */
export type MsgSleepInAtomic =
  'sleeping GFP in atomic context: under a spinlock use GFP_ATOMIC or GFP_NOWAIT (combine flags with gfp(...) so the type keeps the may-sleep bit)';
/**
 * `might_sleep()` of a call that sleeps whatever its flags (`kmem_cache_create()` takes
 * `slab_mutex`, `drain_all_pages()` `pcp_batch_high_lock`) — the compile-time refusal
 * of the atomic context given to one ({@link MaySleepCtx}); at run time `SLEEP_IN_ATOMIC`.
 */
export type MsgMaySleep<Fn extends string> = `${Fn}() may sleep: not under a spinlock (call it with the Memory, outside withSpinLock)`;
/**
 * `get_page()` on a page that is not known to belong to a folio — one sentence per owner
 * ({@link GetPageArg}); at run time `NOT_REFCOUNTED`.
 */
export type MsgGetPage<Owner extends string> = Checked<Owner> extends Checked<'slab'>
  ? "get_page(): a slab page has no refcount; take a reference on the object's owner instead"
  : Checked<Owner> extends Checked<'misc'>
    ? 'get_page(): a large kmalloc or driver page has no refcount (frozen); only folio pages can be counted'
    : Checked<Owner> extends Checked<'slab' | 'misc'>
    ? 'get_page(): kmalloc memory (a slab or a large-kmalloc block) has no refcount; take a reference on its owner instead'
    : Checked<Owner> extends Checked<'vmalloc'>
      ? 'get_page(): a vmalloc page belongs to its vmalloc area, which has no per-page refcount; keep the area alive instead'
      : Checked<Owner> extends Checked<'bare'>
        ? 'get_page(): an alloc_pages() block is owned, not counted; it has no refcount to take'
        : Checked<Owner> extends Checked<'pgtable'>
          ? 'get_page(): a page-table page (ptdesc) is not a folio and cannot be counted from a borrow'
          : Checked<Owner> extends Checked<'custom'>
              ? "get_page(): this page belongs to a driver's own memdesc; count the memdesc (memdescGet), not the page"
              : "get_page(): this page's owner is unknown; only a page known to belong to a folio can be counted";
/**
 * `virt_to_page()` on a vmalloc address — refused at compile time ({@link VirtToPageArg}); at run
 * time `BAD_ADDRESS`. In the kernel this computes a bogus `struct page *` (only
 * `CONFIG_DEBUG_VIRTUAL` catches it).
 */
export type MsgVirtToPageVmalloc = 'virt_to_page(): a vmalloc address is not in the linear map; use vmallocToPage()';
/**
 * `vmalloc_to_page()` on a linear-map address — refused at compile time ({@link VmallocToPageArg});
 * at run time `BAD_ADDRESS`.
 */
export type MsgVmallocToPageLinear = 'vmalloc_to_page(): this is a linear-map address, not a vmalloc one; use virtToPage()';
/**
 * `virt_to_page()` / `vmalloc_to_page()` on a plain number — refused at compile time: a number has
 * no provenance; use the address an allocator returned. At run time a number outside every
 * machine's linear map (or vmalloc space) is `BAD_ADDRESS`.
 */
export type MsgNotAnAddress =
  'not a kernel address: a plain number has no provenance; use the address pageAddress(), folioAddress(), kmalloc() or vmalloc() returned';
/** `virt_to_page()` / `vmalloc_to_page()` on a page handle — they take an address; a page's address is `pageAddress(page)`. */
export type MsgAddressNotPage<Fn extends string> = `${Fn}: takes an address, not a page handle (pageAddress(page) is the page's address)`;
/**
 * `folio_page(folio, n)` with a literal `n` outside the folio — refused at compile time
 * ({@link FolioIndexArg}); at run time `OUT_OF_BOUNDS`.
 */
export type MsgFolioIndex<Order extends number> = `folio_page(): index out of range for a folio of order ${Order}`;
/**
 * `folio_lock()` missing before a write — writing to a folio whose `PG_locked` this handle does not
 * hold, refused at compile time for a folio, a folio page or a folio address ({@link RawWriteArg});
 * at run time `BAD_PAGE_STATE`.
 */
export type MsgFolioWrite = 'writing to a folio needs the folio lock: folioLock() it and write through the LockedFolio';
/**
 * (no kernel counterpart) — what {@link Live} means, printed as its label in every refusal of a
 * consumed handle by a `… & Live` parameter: the handle must not have been freed, put, unlocked or
 * moved.
 */
export type MsgLive = 'a live handle: not freed, put, unlocked or moved (using one that was is a use after free)';
/**
 * `Ownable` + `AlwaysRefCounted` (Rust-for-Linux: the two exclude each other) — a type that is both
 * is refused where it is defined ({@link CheckCapabilities}, `defineMemdesc`); at run time
 * `defineMemdesc` throws `INVALID_ARGUMENT`.
 */
export type MsgOwnableAlwaysRefCounted =
  'a memdesc cannot be both Ownable and AlwaysRefCounted: an ARef taken from a borrow of an Owned value would break its uniqueness (Rust-for-Linux, the Ownable series)';
/**
 * `KASAN: use-after-free` / `double free` — any use of a consumed handle or address, refused at
 * compile time ({@link Consumed}); at run time `USE_AFTER_FREE`, or `DOUBLE_FREE` for a second free
 * or put.
 */
export type MsgConsumed =
  'this handle was consumed (freed, put, unlocked or moved): using it again is a use after free, freeing it again a double free';
/**
 * `__free_page()` on a block of higher order — `freePage` frees order-0 pages only (compile time,
 * {@link FreePageArg}); at run time `BAD_ORDER`.
 */
export type MsgFreePageOrder<Allocated extends number> =
  `__free_page(): this block was allocated with order ${Allocated}; free it with freePages(page, ${Allocated})`;
/**
 * `__free_page()` of a block whose order is not known at compile time (`Page<number>`) — free it
 * with `freePages(page, order)`; at run time a block of order > 0 is `BAD_ORDER`.
 */
export type MsgFreePageOrderUnknown =
  "__free_page(): frees an order-0 page only, and this block's order is not known here: free it with freePages(page, order)";
/**
 * A handle that may be `null` handed to a free or a put — `alloc_pages()`, `folio_alloc()` and the
 * other allocations return `NULL` on failure, and the compiler makes you check before the handle is
 * given back. `Fn` is the kernel function refusing it.
 */
export type MsgMaybeNull<Fn extends string> = `${Fn}: this handle may be null (the allocation can fail): check it first`;
/**
 * `__free_pages()` / `put_page()` / `folio_put()` on a folio reference where a page owner is
 * expected — a folio is put, never freed; at run time `FREE_BORROWED`.
 */
export type MsgFreeFolio<Fn extends string> = `${Fn}: a folio is put, never freed: give the reference back with folioPut()`;
/** `__free_pages()` on a page-table page — a ptdesc is freed with `pagetableFree()`; at run time `BAD_PAGE_STATE`. */
export type MsgFreePtdesc<Fn extends string> = `${Fn}: a page-table page (ptdesc) is freed with pagetableFree()`;
/** `__free_pages()` on a driver's memdesc — it is freed with `memdescFree()`; at run time `BAD_PAGE_STATE`. */
export type MsgFreeMemdesc<Fn extends string> = `${Fn}: this block belongs to a driver's memdesc: free it with memdescFree()`;
/** A free through a counted reference (`ARef`) — a reference is put, never freed; at run time `FREE_BORROWED`. */
export type MsgFreeARef<Fn extends string> = `${Fn}: a counted reference (ARef) is put, never freed`;
/**
 * A free through a borrow — only the `Owned` handle may free; a borrow (`virtToPage`, `folioPage`,
 * `ptdescPage`, `memdescPage`, `pageFolio`) never can. At run time `FREE_BORROWED`.
 */
export type MsgFreeBorrowed<Fn extends string, What extends string> =
  `${Fn}: a borrow cannot free: only the Owned handle ${What} returned can`;
/** A free of an address where a page handle is expected (`__free_pages(page_address(p), …)`); at run time `FOREIGN_HANDLE`. */
export type MsgFreeAddress<Fn extends string> = `${Fn}: takes the page handle alloc_pages() returned, not an address`;
/** A free of something that is not an `alloc_pages()` block's owner at all. */
export type MsgFreeNotPage<Fn extends string> = `${Fn}: only the Owned handle alloc_pages() returned can be freed`;
/**
 * `put_page()` / `folio_put()` of an `alloc_pages()` block — a bare block is owned, not counted: it
 * is freed with `freePages()`; at run time `NOT_REFCOUNTED`.
 */
export type MsgPutOwnedPage<Fn extends string> =
  `${Fn}: an alloc_pages() block is owned, not counted: free it with freePages(); only a folio reference is put`;
/**
 * `put_page()` / `folio_put()` through a borrow — a borrow holds no reference, so putting it would
 * drop someone else's; at run time `REFCOUNT_UNDERFLOW`.
 */
export type MsgPutBorrowed<Fn extends string> =
  `${Fn}: a borrow holds no reference: take one with getPage() or folioGet() and put that`;
/** `folio_put()` / `put_page()` through the lock guard — it holds no reference; at run time `REFCOUNT_UNDERFLOW`. */
export type MsgPutLocked<Fn extends string> = `${Fn}: the lock guard holds no reference: folioUnlock() it, and put the ARef you locked`;
/** A put of something that is not a folio reference at all. */
export type MsgPutNotFolio<Fn extends string> = `${Fn}: only a folio reference (an ARef from folioAlloc(), folioGet() or getPage()) is put`;
/**
 * `folio_get()` / `folio_try_get()` / a folio accessor on a page — these take the folio; a page of
 * it is counted with `getPage()`, or reached with `pageFolio()`. At run time `INVALID_ARGUMENT`.
 */
export type MsgFolioNotPage<Fn extends string> =
  `${Fn}: takes a folio, not one of its pages: count the page with getPage(page), or get its folio with pageFolio(page)`;
/** A folio function handed something that is not a folio at all (a page-table page, an address, …). */
export type MsgNotFolio<Fn extends string> = `${Fn}: takes a folio handle (from folioAlloc(), folioGet(), getPage() or pageFolio())`;
/** `folio_unlock()` of a handle that is not the lock guard — at run time `INVALID_ARGUMENT`. */
export type MsgUnlockNotGuard = 'folio_unlock(): takes the lock guard folioLock() returned, not a reference or a borrow';
/**
 * `pagetable_free()` of anything but the `Owned` ptdesc `pagetableAlloc()` returned — a borrow of
 * its page (`ptdescPage`) included; at run time `FREE_BORROWED` or `INVALID_ARGUMENT`.
 */
export type MsgPagetableFree = 'pagetable_free(): takes the Owned ptdesc pagetableAlloc() returned, not a borrow (of the ptdesc or of its page)';
/**
 * `memdescFree()` of anything but an ownable memdesc's `Owned` handle — a borrow of one of its
 * pages (`memdescPage`) included; at run time `FREE_BORROWED` or `INVALID_ARGUMENT`.
 */
export type MsgMemdescFreeHandle = 'memdescFree(): takes the Owned handle memdescAlloc() returned, not a borrow of one of its pages';
/** `memdescFree()` of a memdesc type that is not ownable — it has no unique owner; at run time `FREE_BORROWED`. */
export type MsgMemdescFreeNotOwnable<Name extends string> =
  `memdescFree(): "${Name}" is not ownable: it has no unique owner; put each reference with memdescPut()`;
/** `memdescFree()` through a reference of an OwnableRefCounted type — only its `Owned` handle frees; at run time `FREE_BORROWED`. */
export type MsgMemdescFreeARef<Name extends string> =
  `memdescFree(): this is a reference to "${Name}", not its owner: put it with memdescPut(), or take ownership back with tryFromShared()`;
/** `memdescPut()` of a memdesc type without a refcount — at run time `NOT_REFCOUNTED`. */
export type MsgMemdescPutNotRefcounted<Name extends string> =
  `memdescPut(): "${Name}" is not refcounted: it has no reference to put; free it through its owner with memdescFree()`;
/** `memdescPut()` of anything but a reference — an `Owned` handle is freed, a borrow holds nothing; at run time `INVALID_ARGUMENT` or `REFCOUNT_UNDERFLOW`. */
export type MsgMemdescPutHandle = 'memdescPut(): takes a reference (an ARef from memdescAlloc(), memdescGet() or intoShared()), not an Owned handle or a borrow';
/** `OwnableRefCounted::into_shared` / `try_from_shared` of a type that is not both ownable and refcounted — at run time `NOT_REFCOUNTED`. */
export type MsgNotOwnableRefCounted<Fn extends string, Name extends string> =
  `${Fn}: "${Name}" is not OwnableRefCounted (ownable and refcounted): there is no count to share or take back`;
/** `into_shared()` of anything but the `Owned` handle — at run time `INVALID_ARGUMENT`. */
export type MsgIntoSharedHandle = 'intoShared(): takes the Owned handle; a reference is already shared, a borrow owns nothing';
/** `try_from_shared()` of anything but a reference — at run time `INVALID_ARGUMENT`. */
export type MsgTryFromSharedHandle = 'tryFromShared(): takes a reference (ARef); an Owned handle is already unique, a borrow owns nothing';
/**
 * `kmem_cache_free(cache, obj)` with an object of another cache (the kernel's `cache_from_obj()`
 * check) — at run time `WRONG_CACHE`.
 */
export type MsgWrongCache<Object extends string, Cache extends string> =
  `kmem_cache_free(): this object belongs to kmem_cache "${Object}", not "${Cache}": free it to its own cache`;
/** `kmem_cache_free()` of something that is not a slab object — at run time `BAD_ADDRESS`. */
export type MsgNotSlabObject = 'kmem_cache_free(): takes an object kmemCacheAlloc() returned';
/** A cache function handed something that is not a cache `kmemCacheCreate()` returned. */
export type MsgNotCache<Fn extends string> = `${Fn}: takes a cache kmemCacheCreate() returned`;
/**
 * `kfree()` of something that is not kmalloc or slab memory — a plain number has no provenance, and
 * page handles or vmalloc areas have their own frees; at run time `BAD_ADDRESS`.
 */
export type MsgKfree<Fn extends string> =
  `${Fn}: takes an address kmalloc() or kmemCacheAlloc() returned (pages are freed with freePages(), vmalloc memory with vfree())`;
/** `vfree()` of something that is not a vmalloc area's start address — at run time `BAD_ADDRESS`. */
export type MsgVfree<Fn extends string> = `${Fn}: takes the address vmalloc() returned`;
/**
 * An allocation's context argument that is neither a `Memory` (process context) nor the
 * `AtomicContext` of `withSpinLock` — at run time `INVALID_ARGUMENT`.
 */
export type MsgBadContext = 'allocation context: pass the Memory (process context) or the AtomicContext withSpinLock() gives its callback';
/** A page function (`page_to_pfn()`, `page_address()`, …) handed something that is not a page handle. */
export type MsgNotPage<Fn extends string> = `${Fn}: takes a page handle (a folio's pages come from folioPage(), an address's from virtToPage())`;
/** `readRaw` / `writeRaw` / `fillZeroRaw` handed something that is neither a page or folio handle nor an address a memdesc handed out. */
export type MsgRawTarget<Fn extends string> = `${Fn}: takes a page or folio handle, or an address pageAddress(), kmalloc(), kmemCacheAlloc() or vmalloc() returned`;
/** `get_page()` of something that is not a page — a folio is counted with `folioGet()`. */
export type MsgGetPageNotPage = 'get_page(): takes a page (from folioPage() or virtToPage()); count a folio with folioGet()';
/** A ptdesc function handed something that is not a ptdesc (a page of it included: `ptdescPage()` gives a page). */
export type MsgNotPtdesc<Fn extends string> = `${Fn}: takes the ptdesc pagetableAlloc() returned`;
/** A memdesc function handed something that is not a user-defined memdesc's handle (a page of one included). */
export type MsgNotMemdesc<Fn extends string> = `${Fn}: takes a handle memdescAlloc() returned (or one taken from it)`;
