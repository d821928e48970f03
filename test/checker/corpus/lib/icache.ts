/** A slab-backed inode cache: inodes are kmem_cache objects with a use count kept by the cache. */
import { kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, readRaw, writeRaw, GFP_KERNEL, GFP_NOFS, type KmemCache, type Memory, type SlabObject } from 'memdesc';

export type Inode = SlabObject<'toy_inode'>;

export class InodeCache {
  readonly cache: KmemCache<'toy_inode'>;
  private readonly byIno = new Map<number, { inode: Inode; count: number }>();

  constructor(readonly mem: Memory) {
    this.cache = kmemCacheCreate(mem, 'toy_inode', 256);
  }

  /** iget(): finds or allocates the inode; each call must be matched by one iput(). */
  iget(ino: number): Inode | null {
    const hit = this.byIno.get(ino);
    if (hit !== undefined) {
      hit.count++;
      return hit.inode;
    }
    const inode = kmemCacheAlloc(this.mem, this.cache, GFP_NOFS);
    if (inode === null) return null;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, ino, true);
    writeRaw(inode, b, 0);
    this.byIno.set(ino, { inode, count: 1 });
    return inode;
  }

  /** iput(): the last put evicts and frees the inode. */
  iput(ino: number): void {
    const hit = this.byIno.get(ino);
    if (hit === undefined) throw new Error(`iput of unknown inode ${ino}`);
    if (--hit.count > 0) return;
    this.byIno.delete(ino);
    kmemCacheFree(this.cache, hit.inode);
  }

  get cached(): number {
    return this.byIno.size;
  }

  destroy(): void {
    kmemCacheDestroy(this.cache);
  }
}

/** Reads the inode number stored in an inode object. */
export function inodeNumber(inode: Inode): number {
  const b = new Uint8Array(4);
  readRaw(inode, b, 0);
  return new DataView(b.buffer).getUint32(0, true);
}

/** A bare inode allocation outside the hash (new_inode_pseudo()). */
export function newInode(mem: Memory, cache: KmemCache<'toy_inode'>): Inode | null {
  return kmemCacheAlloc(mem, cache, GFP_KERNEL);
}

/** destroy_inode(). */
export function destroyInode(cache: KmemCache<'toy_inode'>, inode: Inode): void {
  kmemCacheFree(cache, inode);
}
