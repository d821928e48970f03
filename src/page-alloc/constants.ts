/** `PAGE_SHIFT` — log2 of the page size. */
export const PAGE_SHIFT = 12;
/** `PAGE_SIZE` — 4096 bytes, as on x86-64 and most arm64 configurations. */
export const PAGE_SIZE = 4096;
/**
 * `MAX_PAGE_ORDER` — the largest order the buddy allocator hands out (inclusive): a block of
 * 2^10 = 1024 pages, 4 MiB. (Linux 6.4 made `MAX_ORDER` inclusive, and 6.8 renamed it `MAX_PAGE_ORDER`; before 6.4 it was the exclusive bound, 11.)
 */
export const MAX_PAGE_ORDER = 10;
/** `NR_PAGE_ORDERS` — the number of buddy free lists per zone: orders 0..MAX_PAGE_ORDER. */
export const NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;
/** `PAGE_ALLOC_COSTLY_ORDER` — orders above this are "costly" for the kernel's retry logic. */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
