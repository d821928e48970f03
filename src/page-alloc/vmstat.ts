/**
 * The indices of a machine's `/proc/vmstat` counters and its clock in `MemoryImpl.vm` (one
 * Float64Array, so no field ever changes shape).
 *
 * @module
 */
/* Indices of MemoryImpl.vm. */
export const VM_PGALLOC = 0;
export const VM_PGFREE = 1;
export const VM_ALLOCATIONS = 2;
export const VM_FREES = 3;
export const VM_ALLOC_FAILURES = 4;
export const VM_SLOWPATH = 5;
export const VM_PCP_REFILLS = 6;
export const VM_PCP_DRAINS = 7;
export const VM_CLOCK = 8;
export const VM_NR = 9;
