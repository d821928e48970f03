/**
 * Kernel virtual addresses as branded numbers. memdesc places the linear map (direct map) at
 * `0x888000000000` and vmalloc space at `0xc90000000000` — x86-64's `PAGE_OFFSET` and
 * `VMALLOC_START` without the `0xffff` sign extension, so every address is an exact JS number.
 *
 * @module
 */
import type { Brand } from 'ts-brand';

/** `PAGE_OFFSET`: where the linear map of all physical memory begins. */
export const PAGE_OFFSET = 0x888000000000;
/** `VMALLOC_START`. */
export const VMALLOC_START = 0xc90000000000;

/** A linear-map kernel virtual address: what `page_address()` returns. */
export type VirtAddr = Brand<number, 'VirtAddr'>;
