/**
 * Every compile-time refusal of memdesc, as a sentence. A refused call shows one of these in the
 * compiler's message, as the type its argument failed to match — so the error names the kernel
 * rule instead of saying `Type 'false' is not assignable to type 'true'`.
 *
 * @module
 */

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
export type MsgGetPage<Owner extends string> = [Owner] extends ['slab']
  ? "get_page(): a slab page has no refcount; take a reference on the object's owner instead"
  : [Owner] extends ['misc']
    ? 'get_page(): a large kmalloc or driver page has no refcount (frozen); only folio pages can be counted'
    : [Owner] extends ['slab' | 'misc']
    ? 'get_page(): kmalloc memory (a slab or a large-kmalloc block) has no refcount; take a reference on its owner instead'
    : [Owner] extends ['vmalloc']
      ? 'get_page(): a vmalloc page belongs to its vmalloc area, which has no per-page refcount; keep the area alive instead'
      : [Owner] extends ['bare']
        ? 'get_page(): an alloc_pages() block is owned, not counted; it has no refcount to take'
        : [Owner] extends ['pgtable']
          ? 'get_page(): a page-table page (ptdesc) is not a folio and cannot be counted from a borrow'
          : [Owner] extends ['custom']
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
