// A CMA-like region handing high-order blocks to a device driver; devres releases on unbind.
import { allocPages, freePages, fillZeroRaw, GFP_KERNEL, PAGE_SIZE, type Memory, type Owned, type Page } from 'memdesc';

const DMA_ORDER = 2;

class Device {
  private devres: (() => void)[] = [];
  constructor(readonly name: string) {}
  /** devm_add_action_or_reset() */
  devmAddAction(release: () => void): void {
    this.devres.push(release);
  }
  /** device_release_driver(): driver remove(), then devres actions in reverse order. */
  unbind(remove: () => void): void {
    remove();
    for (const release of this.devres.reverse()) release();
    this.devres = [];
  }
}

class CmaRegion {
  private inUse = 0;
  constructor(readonly mem: Memory, readonly maxBlocks: number) {}
  alloc(): Owned<Page<typeof DMA_ORDER>> | null {
    if (this.inUse >= this.maxBlocks) return null;
    const block = allocPages(this.mem, GFP_KERNEL, DMA_ORDER);
    if (block !== null) this.inUse++;
    return block;
  }
  release(block: Owned<Page<typeof DMA_ORDER>>): void {
    freePages(block, DMA_ORDER);
    this.inUse--;
  }
}

interface CamDriver {
  dev: Device;
  frameBuf: Owned<Page<typeof DMA_ORDER>>;
}

function camProbe(cma: CmaRegion, dev: Device): CamDriver | null {
  const frameBuf = cma.alloc();
  if (frameBuf === null) return null;
  fillZeroRaw(frameBuf, 0, PAGE_SIZE);
  dev.devmAddAction(() => cma.release(frameBuf)); // expect: double-free
  return { dev, frameBuf };
}

function camRemove(cma: CmaRegion, drv: CamDriver): void {
  // stop streaming: clear the last frame, give the frame buffer back
  fillZeroRaw(drv.frameBuf, 0, PAGE_SIZE);
  cma.release(drv.frameBuf); // expect-also: double-free
}

export function run(mem: Memory): void {
  const cma = new CmaRegion(mem, 4);
  const dev = new Device('cam0');
  const drv = camProbe(cma, dev);
  if (drv === null) return;
  dev.unbind(() => camRemove(cma, drv));
}
