/**
 * Rule family: slab and kmalloc. A cache's literal name is in its objects' types: an object freed
 * to another cache does not compile; frees consume; kmalloc addresses remember slab vs large.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  kmalloc,
  kfree,
  readRaw,
  writeRaw,
  virtToPage,
  GFP_KERNEL,
  GFP_ATOMIC,
  spinLockInit,
  withSpinLock,
  type KmemCache,
  type SlabObject,
  type KmallocPtr,
  type Borrowed,
  type Page,
} from '../dist/index.js';

const mem = createMemory();
const dentries = kmemCacheCreate(mem, 'dentry', 192);
const inodes = kmemCacheCreate(mem, 'inode_cache', 600);
expectType<KmemCache<'dentry'>>(dentries);

const d = kmemCacheAlloc(mem, dentries, GFP_KERNEL)!;
expectType<SlabObject<'dentry'>>(d);
const ino = kmemCacheAlloc(mem, inodes, GFP_KERNEL)!;
expectError(kmemCacheFree(dentries, ino)); // wrong cache
writeRaw(d, new Uint8Array(8), 0);
kmemCacheFree(dentries, d);
expectError(kmemCacheFree(dentries, d)); // double free
expectError(readRaw(d, new Uint8Array(1), 0)); // use after free
kmemCacheFree(inodes, ino);
kmemCacheDestroy(dentries);

// kmalloc: the size decides the owner, and the type says so.
expectType<KmallocPtr<'slab'> | null>(kmalloc(mem, 100, GFP_KERNEL));
expectType<KmallocPtr<'slab'> | null>(kmalloc(mem, 8192, GFP_KERNEL));
expectType<KmallocPtr<'misc'> | null>(kmalloc(mem, 8193, GFP_KERNEL));
declare const n: number;
expectType<KmallocPtr<'slab' | 'misc'> | null>(kmalloc(mem, n, GFP_KERNEL));
const p = kmalloc(mem, 256, GFP_KERNEL)!;
expectType<Borrowed<Page<0, 'slab'>>>(virtToPage(p));
kfree(p);
expectError(kfree(p));
expectError(virtToPage(p));

// kfree takes kmalloc memory only, not a plain number.
expectError(kfree(0x888000001000));

// Atomic context: GFP_ATOMIC only.
withSpinLock(spinLockInit(mem), (ctx) => {
  expectError(kmalloc(ctx, 64, GFP_KERNEL));
  const q = kmalloc(ctx, 64, GFP_ATOMIC);
  if (q) kfree(q);
});

// kmem_cache_destroy() consumes the cache.
export function destroyConsumes(): void {
  const scratch = kmemCacheCreate(mem, 'scratch', 64);
  kmemCacheDestroy(scratch);
  expectError(kmemCacheAlloc(mem, scratch, GFP_KERNEL));
  expectError(kmemCacheDestroy(scratch));
}
