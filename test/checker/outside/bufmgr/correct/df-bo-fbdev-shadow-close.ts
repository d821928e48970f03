// DRM fbdev emulation: probe() allocates a vmalloc shadow buffer and a GEM object to blit it into.
// When the object cannot be created the error path frees the shadow and clears the field, so the
// caller's cleanup has nothing left to free.
import { vmalloc, vfree, writeRaw, failPageAlloc, type Memory, type VmallocArea } from 'memdesc';
import { BoManager, boWrite, type BufferObject } from '../lib/bo.js';

class FbdevEmulation {
  shadow: VmallocArea | null = null;
  bo: BufferObject | null = null;

  constructor(readonly mgr: BoManager) {}

  probe(mem: Memory, width: number, height: number): boolean {
    const size = width * height * 4;
    const shadow = vmalloc(mem, size);
    if (shadow === null) return false;
    this.shadow = shadow;
    const bo = this.mgr.create(mem, size, 'system');
    if (bo === null) {
      this.shadow = null;
      vfree(shadow);
      return false;
    }
    this.bo = bo;
    this.mgr.pin(bo);
    return true;
  }

  /** Damage handler: copy the dirty shadow rows into the object. */
  flush(row: Uint8Array): void {
    if (this.shadow === null || this.bo === null) return;
    writeRaw(this.shadow, row, 0);
    boWrite(this.bo, 0, row);
  }

  close(): void {
    if (this.bo !== null) {
      this.mgr.unpin(this.bo);
      this.mgr.destroy(this.bo);
      this.bo = null;
    }
    if (this.shadow !== null) vfree(this.shadow);
    this.shadow = null;
  }
}

export function run(mem: Memory): void {
  const mgr = new BoManager(mem);
  const fbdev = new FbdevEmulation(mgr);
  failPageAlloc(mem, { failNth: 2 }); // the shadow succeeds, the object's first page fails
  try {
    if (fbdev.probe(mem, 32, 32)) fbdev.flush(new Uint8Array(128).fill(1));
  } finally {
    failPageAlloc(mem, {});
    fbdev.close();
    mgr.close();
  }
}
