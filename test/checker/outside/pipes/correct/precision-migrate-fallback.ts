// Migration target selection: a helper hands back an owned target (or null), `??` falls back to
// another tier, the caller frees exactly once in finally; a class field owns the survivor.
import { allocPage, freePage, readRaw, writeRaw, PAGE_SIZE, GFP_KERNEL, GFP_NOWAIT, type Memory, type Owned, type Page } from 'memdesc';

function allocOnTier(mem: Memory, tier: 'fast' | 'slow'): Owned<Page<0>> | null {
  // the fast tier is opportunistic: never sleep for it
  return tier === 'fast' ? allocPage(mem, GFP_NOWAIT) : allocPage(mem, GFP_KERNEL);
}

class MigratedRegion {
  private page: Owned<Page<0>> | null = null;
  adopt(p: Owned<Page<0>>): void {
    if (this.page !== null) freePage(this.page);
    this.page = p;
  }
  destroy(): void {
    if (this.page !== null) {
      freePage(this.page);
      this.page = null;
    }
  }
}

function migrateCopy(mem: Memory, src: Owned<Page<0>>, region: MigratedRegion): boolean {
  const dst = allocOnTier(mem, 'fast') ?? allocOnTier(mem, 'slow');
  if (dst === null) return false;
  const buf = new Uint8Array(PAGE_SIZE);
  try {
    readRaw(src, buf, 0);
    writeRaw(dst, buf, 0);
  } catch (e) {
    freePage(dst);
    throw e;
  }
  region.adopt(dst);
  return true;
}

export function run(mem: Memory): void {
  const region = new MigratedRegion();
  for (let i = 0; i < 3; i++) {
    const src = allocPage(mem, GFP_KERNEL);
    if (src === null) break;
    try {
      writeRaw(src, new Uint8Array([i]), 0);
      migrateCopy(mem, src, region);
    } finally {
      freePage(src);
    }
  }
  region.destroy();
}
