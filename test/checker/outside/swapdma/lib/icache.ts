// An inode cache: inodes are objects of a kmem_cache, looked up by name in a Map; unused inodes
// sit on a list_lru that a shrinker walks under memory pressure.
import {
  kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, writeRaw, readRaw,
  listLruInit, listLruAdd, listLruDel, listLruWalk, listLruCount,
  shrinkerAlloc, shrinkerRegister, shrinkerFree, LRU_REMOVED, SHRINK_EMPTY,
  GFP_KERNEL, type Memory, type KmemCache, type SlabObject, type ListLru, type Shrinker,
} from 'memdesc';

export const INODE_SIZE = 256;
export type InodeObj = SlabObject<'ext9_inode'>;

export interface Inode {
  readonly name: string;
  readonly ino: number;
  obj: InodeObj;
  count: number; // i_count
}

export class InodeCache {
  readonly cache: KmemCache<'ext9_inode'>;
  private readonly byName = new Map<string, Inode>();
  readonly lru: ListLru<Inode>;
  private readonly shrinker: Shrinker;
  private nextIno = 100;

  constructor(private readonly mem: Memory) {
    this.cache = kmemCacheCreate(mem, 'ext9_inode', INODE_SIZE);
    this.lru = listLruInit<Inode>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, 'ext9-icache');
    this.shrinker.countObjects = () => {
      const n = listLruCount(this.lru);
      return n === 0 ? SHRINK_EMPTY : n;
    };
    this.shrinker.scanObjects = (_s, sc) => this.prune(sc.nrToScan);
    shrinkerRegister(this.shrinker);
  }

  get cached(): number {
    return this.byName.size;
  }

  find(name: string): Inode | undefined {
    return this.byName.get(name);
  }

  /** iget(): a cached inode with one more count, or a new one. */
  iget(name: string): Inode | null {
    const hit = this.byName.get(name);
    if (hit !== undefined) {
      if (hit.count === 0) listLruDel(this.lru, hit);
      hit.count++;
      return hit;
    }
    const obj = kmemCacheAlloc(this.mem, this.cache, GFP_KERNEL);
    if (obj === null) return null;
    const ino = this.nextIno++;
    writeRaw(obj, new Uint8Array([ino & 0xff, ino >> 8]), 0);
    const inode: Inode = { name, ino, obj, count: 1 };
    this.byName.set(name, inode);
    return inode;
  }

  /** iput(): the last count parks the inode on the LRU. */
  iput(inode: Inode): void {
    if (--inode.count === 0) listLruAdd(this.lru, inode);
  }

  /** evict(): unhash and free an unused inode now. */
  evict(inode: Inode): void {
    if (inode.count !== 0) throw new Error(`evict of busy inode ${inode.ino}`);
    listLruDel(this.lru, inode);
    this.byName.delete(inode.name);
    kmemCacheFree(this.cache, inode.obj);
  }

  prune(nr: number): number {
    const victims: Inode[] = [];
    listLruWalk(this.lru, (inode) => {
      victims.push(inode);
      return LRU_REMOVED;
    }, nr);
    for (const v of victims) {
      this.byName.delete(v.name);
      kmemCacheFree(this.cache, v.obj);
    }
    return victims.length;
  }

  /** umount: every inode must be unused. */
  destroy(): void {
    shrinkerFree(this.shrinker);
    for (const inode of this.byName.values()) {
      if (inode.count !== 0) throw new Error(`busy inode ${inode.ino} at umount`);
      kmemCacheFree(this.cache, inode.obj);
    }
    this.byName.clear();
    kmemCacheDestroy(this.cache);
  }
}

export function inodeNumber(obj: InodeObj): number {
  const b = new Uint8Array(2);
  readRaw(obj, b, 0);
  return (b[0] ?? 0) | ((b[1] ?? 0) << 8);
}
