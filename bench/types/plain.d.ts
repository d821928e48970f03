/**
 * The UNTRACKED twin of memdesc's public API, for bench/types/run.js: the same function names and
 * arities, with plain signatures. No assertion signatures, no conditional parameter types, no
 * literal-order or provenance generics, no brands beyond one plain interface per handle kind;
 * addresses are plain numbers, GFP values and orders plain numbers.
 *
 * The benchmark compiles the same generated consumer program once against memdesc (dist/index.d.ts)
 * and once against this file, so the difference in check time is what the ownership tracking costs.
 * Only the functions the generator calls are declared.
 */

export interface Memory {
  readonly __memory: true;
}
export interface AtomicContext {
  readonly __atomic: true;
}
export type AllocContext = Memory | AtomicContext;
export interface SpinLock {
  readonly __spinlock: true;
}
export interface Page {
  readonly __page: true;
}
export interface Folio {
  readonly __folio: true;
}
export interface KmemCache {
  readonly __kmemCache: true;
}

export declare const GFP_KERNEL: number;
export declare const GFP_ATOMIC: number;

export declare function createMemory(options?: { readonly bytes?: number }): Memory;
export declare function spinLockInit(mem: Memory, name?: string): SpinLock;
export declare function withSpinLock<R>(lock: SpinLock, fn: (ctx: AtomicContext) => R): R;

export declare function allocPage(ctx: AllocContext, gfp: number): Page | null;
export declare function allocPages(ctx: AllocContext, gfp: number, order: number): Page | null;
export declare function freePage(page: Page): void;
export declare function freePages(page: Page, order: number): void;
export declare function pageAddress(page: Page): number;
export declare function virtToPage(addr: number): Page;

export declare function readRaw(target: Page | Folio | number, dst: Uint8Array, offset: number): void;
export declare function writeRaw(target: Page | Folio | number, src: Uint8Array, offset: number): void;

export declare function folioAlloc(ctx: AllocContext, gfp: number, order: number): Folio | null;
export declare function folioGet(folio: Folio): Folio;
export declare function folioPut(folio: Folio): void;
export declare function folioPage(folio: Folio, n: number): Page;
export declare function getPage(page: Page): Folio;
export declare function putPage(ref: Folio): void;

export declare function kmalloc(ctx: AllocContext, size: number, gfp: number): number | null;
export declare function kfree(ptr: number): void;
export declare function kmemCacheCreate(mem: Memory, name: string, objectSize: number, options?: { readonly align?: number }): KmemCache;
export declare function kmemCacheAlloc(ctx: AllocContext, cache: KmemCache, gfp: number): number | null;
export declare function kmemCacheFree(cache: KmemCache, obj: number): void;

export declare function vmalloc(ctx: AllocContext, size: number, gfp?: number): number | null;
export declare function vmallocToPage(addr: number): Page;
export declare function vfree(addr: number): void;
