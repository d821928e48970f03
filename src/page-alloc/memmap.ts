/**
 * The memmap: one row of metadata per page frame, stored as struct-of-arrays typed arrays indexed
 * by pfn — the way the kernel indexes `mem_map[]`, and never an object per page.
 *
 * Per page, 16 bytes:
 *
 * | column  | type   | meaning                                                             |
 * |---------|--------|---------------------------------------------------------------------|
 * | `kind`  | u8     | the memdesc that owns the page ({@link PageKind})                   |
 * | `order` | u8     | the order of the block this page heads (meaningless elsewhere)      |
 * | `flags` | u16    | `PG_*` bits ({@link PageFlag}) and the kmap_local nesting count     |
 * | `gen`   | u32    | generation, bumped when a block is freed: stale handles are caught  |
 * | `u0`    | i32    | a union: free-list next / folio refcount / compound head of a tail  |
 * | `u1`    | i32    | a union: free-list prev / folio mapcount                            |
 *
 * A page has no refcount of its own: `u0` and `u1` mean what the owning memdesc says they mean,
 * as the fields of the kernel's `struct page` union do.
 *
 * @module
 */

/** The memdesc kind of a page: which descriptor owns it, and so how it lives and dies. */
export const enum PageKind {
  /** Inside a block (free or allocated), not its head. */
  None = 0,
  /** Head of a free block on a buddy free list (`PageBuddy`). */
  Buddy = 1,
  /** A free order-0 page held on a per-CPU list (not `PageBuddy`, not counted in buddyinfo). */
  Pcp = 2,
  /** Head of a bare allocation from `alloc_pages()`: owned, no refcount. */
  Bare = 3,
  /** Tail of a compound block; `u0` holds the head's pfn. */
  Tail = 4,
  /** Head of a folio: refcounted (`u0`), with a mapcount (`u1`). */
  Folio = 5,
  /** A slab page: frozen, refcount 0; slab knows when its objects are gone. */
  Slab = 6,
  /** A page of a vmalloc area. */
  Vmalloc = 7,
  /** A page-table page (`struct ptdesc`). */
  PageTable = 8,
  /** Any other owner without a refcount (large kmalloc, driver pages). */
  Misc = 9,
  /** A page of a memdesc type defined by the user. */
  Custom = 10,
}

/** Human names of {@link PageKind}s, for reports. */
export const PAGE_KIND_NAMES: readonly string[] = [
  'none',
  'buddy',
  'pcp',
  'bare',
  'tail',
  'folio',
  'slab',
  'vmalloc',
  'pgtable',
  'misc',
  'custom',
];

/** `PG_*` bits in the `flags` column. Bits 11..15 hold the kmap_local nesting count. */
export const enum PageFlag {
  /** `PG_head`: the head of a compound block. */
  Head = 1 << 0,
  /** `PG_locked`. */
  Locked = 1 << 1,
  /** `PG_dirty`. */
  Dirty = 1 << 2,
  /** `PG_reserved`: never handed to the buddy allocator. */
  Reserved = 1 << 3,
}

export const KMAP_SHIFT = 11;
export const KMAP_ONE = 1 << KMAP_SHIFT;
export const KMAP_MASK = 0x1f << KMAP_SHIFT;
/** `KM_MAX_IDX`: how deeply `kmap_local_page()` mappings may nest. */
export const KM_MAX_IDX = 16;

/** Bytes of memmap metadata per page: the sum of the column widths above. */
export const MEMMAP_BYTES_PER_PAGE = 1 + 1 + 2 + 4 + 4 + 4;

/** The memmap columns. Allocated zero-filled, so untouched rows cost no resident memory. */
export class Memmap {
  readonly kind: Uint8Array;
  readonly order: Uint8Array;
  readonly flags: Uint16Array;
  readonly gen: Uint32Array;
  readonly u0: Int32Array;
  readonly u1: Int32Array;

  constructor(nrPages: number) {
    this.kind = new Uint8Array(nrPages);
    this.order = new Uint8Array(nrPages);
    this.flags = new Uint16Array(nrPages);
    this.gen = new Uint32Array(nrPages);
    this.u0 = new Int32Array(nrPages);
    this.u1 = new Int32Array(nrPages);
  }
}
