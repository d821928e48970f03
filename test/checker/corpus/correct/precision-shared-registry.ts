/** An exported dma-buf reference is handed to a long-lived registry, which puts it on unregister. */
import { memdescPut, type ARef, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, importDmaBuf, readDmaBufTag, stampDmaBuf, type DmaBuf } from '../lib/shdesc.js';

class DmaBufRegistry {
  private readonly bufs = new Map<string, ARef<DmaBuf>>();

  register(name: string, ref: ARef<DmaBuf>): void {
    this.bufs.set(name, ref);
  }

  lookup(name: string): ARef<DmaBuf> | null {
    const r = this.bufs.get(name);
    return r === undefined ? null : importDmaBuf(r);
  }

  unregisterAll(): void {
    for (const r of this.bufs.values()) memdescPut(r);
    this.bufs.clear();
  }
}

export function run(mem: Memory): void {
  const reg = new DmaBufRegistry();
  const owned = allocDmaBuf(mem);
  if (owned === null) return;
  stampDmaBuf(owned, 9);
  reg.register('camera0', exportDmaBuf(owned)); // moved into the registry
  const user = reg.lookup('camera0');
  if (user !== null) {
    readDmaBufTag(user);
    memdescPut(user);
  }
  reg.unregisterAll();
}
