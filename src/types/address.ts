/**
 * Kernel virtual addresses as branded numbers that remember their provenance. memdesc places the
 * linear map (direct map) at `0x888000000000` and vmalloc space at `0xc90000000000` — x86-64's
 * `PAGE_OFFSET` and `VMALLOC_START` without the `0xffff` sign extension, so every address is an
 * exact JS number.
 *
 * @module
 */
import type { Brand } from 'ts-brand';
import type { PageOwner } from './page.js';

/** `PAGE_OFFSET`: where the linear map of all physical memory begins. */
export const PAGE_OFFSET = 0x888000000000;
/** `VMALLOC_START`. */
export const VMALLOC_START = 0xc90000000000;
/** `VMALLOC_END` (exclusive). */
export const VMALLOC_END = 0xe90000000000;

declare const addrOwner: unique symbol;

/**
 * A linear-map kernel virtual address (`page_address()`, `folio_address()`, `kmalloc()`):
 * `virtToPage` accepts it, and the page it returns remembers `Owner`.
 */
export type VirtAddr<Owner extends PageOwner = PageOwner> = Brand<number, 'linear-map address'> & {
  readonly [addrOwner]: Owner;
};

/** A vmalloc-space address: `vmallocToPage` accepts it, `virtToPage` refuses it. */
export type VmallocAddr = Brand<number, 'vmalloc address'>;

/** The owner a linear-map address remembers. */
export type AddrOwner<A> = A extends { readonly [addrOwner]: infer W extends PageOwner } ? W : PageOwner;
