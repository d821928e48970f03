/**
 * Every compile-time refusal of memdesc, as a sentence. A refused call shows one of these in the
 * compiler's message, as the type its argument failed to match — so the error names the kernel
 * rule instead of saying `Type 'false' is not assignable to type 'true'`.
 *
 * @module
 */

/** `alloc_pages()` with an order outside 0..MAX_PAGE_ORDER. */
export type MsgBadOrder = 'alloc_pages(): order must be 0..MAX_PAGE_ORDER (10)';
/** `__free_pages()` with another order than the allocation's. */
export type MsgWrongFreeOrder<Allocated extends number> =
  `__free_pages(): this block was allocated with order ${Allocated}; free it with that order`;
/** A sleeping GFP value inside a spinlock. */
export type MsgSleepInAtomic =
  'sleeping GFP in atomic context: under a spinlock use GFP_ATOMIC or GFP_NOWAIT (combine flags with gfp(...) so the type keeps the may-sleep bit)';
/** `get_page()` on a page that is not known to belong to a folio (one sentence per owner). */
export type MsgGetPage<Owner extends string> = [Owner] extends ['slab']
  ? "get_page(): a slab page has no refcount; take a reference on the object's owner instead"
  : [Owner] extends ['slab' | 'misc']
    ? 'get_page(): kmalloc memory (a slab or a large-kmalloc block) has no refcount; take a reference on its owner instead'
    : [Owner] extends ['vmalloc']
      ? 'get_page(): a vmalloc page belongs to its vmalloc area, which has no per-page refcount; keep the area alive instead'
      : [Owner] extends ['bare']
        ? 'get_page(): an alloc_pages() block is owned, not counted; it has no refcount to take'
        : [Owner] extends ['pgtable']
          ? 'get_page(): a page-table page (ptdesc) is not a folio and cannot be counted from a borrow'
          : [Owner] extends ['misc']
            ? 'get_page(): a large kmalloc or driver page has no refcount (frozen); only folio pages can be counted'
            : [Owner] extends ['custom']
              ? "get_page(): this page belongs to a driver's own memdesc; count the memdesc (memdescGet), not the page"
              : "get_page(): this page's owner is unknown; only a page known to belong to a folio can be counted";
/** `virt_to_page()` on a vmalloc address. */
export type MsgVirtToPageVmalloc = 'virt_to_page(): a vmalloc address is not in the linear map; use vmallocToPage()';
/** `vmalloc_to_page()` on a linear-map address. */
export type MsgVmallocToPageLinear = 'vmalloc_to_page(): this is a linear-map address, not a vmalloc one; use virtToPage()';
/** A plain number where a kernel address is needed. */
export type MsgNotAnAddress =
  'not a kernel address: a plain number has no provenance; use the address pageAddress(), folioAddress(), kmalloc() or vmalloc() returned';
/** A folio page index outside the folio. */
export type MsgFolioIndex<Order extends number> = `folio_page(): index out of range for a folio of order ${Order}`;
/** A write to a folio without its lock. */
export type MsgFolioWrite = 'writing to a folio needs the folio lock: folioLock() it and write through the LockedFolio';
/** A slab object freed to another cache. */
export type MsgWrongCache<Expected extends string> = `kmem_cache_free(): this object belongs to another cache, not "${Expected}"`;
/** A type that is both Ownable and AlwaysRefCounted. */
export type MsgOwnableAlwaysRefCounted =
  'a memdesc cannot be both Ownable and AlwaysRefCounted: an ARef taken from a borrow of an Owned value would break its uniqueness (Rust-for-Linux Ownable, v19)';
/** Any use of a consumed handle or address. */
export type MsgConsumed =
  'this handle was consumed (freed, put, unlocked or moved): using it again is a use after free, freeing it again a double free';
