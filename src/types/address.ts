/**
 * Kernel virtual addresses as branded numbers that remember their provenance. memdesc places the
 * linear map (direct map) at `0x888000000000` and vmalloc space at `0xc90000000000` — x86-64's
 * `PAGE_OFFSET` and `VMALLOC_START` without the `0xffff` sign extension, so every address is an
 * exact JS number.
 *
 * @module
 */
import type { PageOwner } from './page.js';

/**
 * `PAGE_OFFSET` — where the linear map (direct map) of all physical memory begins:
 * `0x888000000000`, x86-64's `0xffff888000000000` without the sign extension. The linear map of the
 * first machine to hand out an address starts here; each further one gets its own window above it
 * ({@link pageOffset}).
 */
export const PAGE_OFFSET = 0x888000000000;
/**
 * `VMALLOC_START` — the start of vmalloc space (`0xc90000000000`, x86-64's `0xffffc90000000000`
 * without the sign extension). {@link vmalloc} hands out addresses from here, never reusing one.
 */
export const VMALLOC_START = 0xc90000000000;
/**
 * `VMALLOC_END` — the end of vmalloc space (exclusive); a `vmalloc` that would cross it returns
 * `null`.
 */
export const VMALLOC_END = 0xe90000000000;

declare const addrOwner: unique symbol;
declare const addrKind: unique symbol;

/**
 * (no kernel counterpart) — the phantom mark that makes a number an address of one kind of kernel
 * virtual memory (`'linear-map address'`, `'vmalloc address'`). The kinds exclude each other: an
 * address of one kind is never taken for the other, and a refused call names the rule instead of
 * listing brand internals.
 */
export interface AddressMark<Kind extends string> {
  /** Phantom: the kind of kernel virtual address. */
  readonly [addrKind]: Kind;
}

/** (no kernel counterpart) — the phantom mark of a linear-map address ({@link VirtAddr}): its kind and the memdesc that owns the memory. */
export interface LinearAddressMark<Owner extends PageOwner> extends AddressMark<'linear-map address'> {
  /** Phantom: the memdesc that owns the memory behind the address ({@link PageOwner}). */
  readonly [addrOwner]: Owner;
}

/**
 * `void *` in the linear map — a kernel virtual address that remembers its provenance: what
 * `page_address()`, `folio_address()`, `kmalloc()` and `kmem_cache_alloc()` return. `virtToPage`
 * accepts it, and the page it returns remembers `Owner`.
 *
 * **When to use**: as the type of an address you pass on to `virtToPage`, `readRaw`/`writeRaw` or
 * `kfree`; keep the narrowest owner the API gave you (`VirtAddr<'slab'>`), so `getPage` can refuse
 * what it must.
 *
 * **Gotchas**: a plain number is not an address (it has no provenance) and is refused at compile
 * time with {@link MsgNotAnAddress}; at run time, a number outside every machine's linear map is
 * `BAD_ADDRESS`. Arithmetic (`addr + 8`) gives a plain `number`: cast it back only if you mean it.
 *
 * @example
 * ```ts
 * import { createMemory, kmalloc, virtToPage, kfree, GFP_KERNEL, type VirtAddr } from 'memdesc';
 * const mem = createMemory();
 * const buf = kmalloc(mem, 64, GFP_KERNEL)!; // KmallocPtr<'slab'>, which kfree accepts
 * const addr: VirtAddr<'slab'> = buf;
 * const page = virtToPage(addr); // Borrowed<Page<0, 'slab'>>: getPage(page) would not compile
 * kfree(buf);
 * ```
 */
export type VirtAddr<Owner extends PageOwner = PageOwner> = number & LinearAddressMark<Owner>;

/**
 * `void *` in vmalloc space — an address between `VMALLOC_START` and `VMALLOC_END`:
 * `vmallocToPage` accepts it, `virtToPage` refuses it (a compile error, and `BAD_ADDRESS` at run
 * time).
 */
export type VmallocAddr = number & AddressMark<'vmalloc address'>;

/**
 * `virt_to_page()`'s view of provenance — the `Owner` a linear-map address (`VirtAddr<Owner>`)
 * remembers, or any {@link PageOwner} when it remembers none.
 */
export type AddrOwner<A> = A extends {
  /** Phantom: the owner the address remembers. */
  readonly [addrOwner]: infer W extends PageOwner;
}
  ? W
  : PageOwner;
