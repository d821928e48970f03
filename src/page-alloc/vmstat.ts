/**
 * The indices of a machine's `/proc/vmstat` counters and its clock in `MemoryImpl.vm` (one
 * Float64Array, so no field ever changes shape).
 *
 * @module
 */
/* Indices of MemoryImpl.vm. */
export const VM_PGALLOC = 0;
/** Unused: `pgfree` is derived (pgalloc less the pages still allocated), so a free counts one thing less. */
export const VM_PGFREE = 1;
export const VM_ALLOCATIONS = 2;
export const VM_FREES = 3;
export const VM_ALLOC_FAILURES = 4;
export const VM_SLOWPATH = 5;
export const VM_PCP_REFILLS = 6;
export const VM_PCP_DRAINS = 7;
export const VM_CLOCK = 8;
/** `VM_KIND + kind`: pages in live allocations of memdesc `kind` (`MemoryImpl.allocatedByKind` is this range). */
export const VM_KIND = 16;
/** Kinds counted from VM_KIND (PageKind values are below it). */
export const VM_KINDS = 16;
export const VM_NR = VM_KIND + VM_KINDS;
