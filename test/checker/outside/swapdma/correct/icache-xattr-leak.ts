// Extended attributes: each cached inode name gets a kmalloc'd xattr block, kept in a Map by
// name. removexattr() drops the entry.
// Fixed: removexattr() frees the block it takes out of the Map.
import { kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';
import { InodeCache } from '../lib/icache.js';

type Xattr = KmallocPtr<'slab'>;

class XattrTable {
  private readonly blocks = new Map<string, Xattr>();
  constructor(private readonly mem: Memory) {}

  set(name: string, value: Uint8Array): boolean {
    const old = this.blocks.get(name);
    if (old !== undefined) kfree(old);
    const blk = kmalloc(this.mem, 128, GFP_KERNEL);
    if (blk === null) {
      this.blocks.delete(name);
      return false;
    }
    writeRaw(blk, value, 0);
    this.blocks.set(name, blk);
    return true;
  }

  remove(name: string): void {
    const blk = this.blocks.get(name);
    if (blk === undefined) return;
    this.blocks.delete(name);
    kfree(blk);
  }

  clear(): void {
    for (const b of this.blocks.values()) kfree(b);
    this.blocks.clear();
  }
}

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const xattrs = new XattrTable(mem);
  const ino = icache.iget('etc/passwd');
  if (ino !== null) {
    xattrs.set(ino.name, new Uint8Array([1, 2, 3]));
    xattrs.remove(ino.name);
    icache.iput(ino);
  }
  xattrs.clear();
  icache.destroy();
}
