/** A DMA-limited device's bounce buffer lives in a class; every submit() comes before close(). */
import { allocPages, freePages, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

class BounceDev {
  private bounce: Owned<Page<2>>;
  submitted = 0;

  constructor(bounce: Owned<Page<2>>) {
    this.bounce = bounce;
  }

  submit(data: Uint8Array): void {
    writeRaw(this.bounce, data, 0);
    this.submitted++;
  }

  close(): void {
    freePages(this.bounce, 2);
  }
}

export function run(mem: Memory): void {
  const b = allocPages(mem, GFP_KERNEL, 2);
  if (b === null) return;
  const dev = new BounceDev(b);
  dev.submit(new Uint8Array(512));
  dev.submit(new Uint8Array(512));
  dev.close(); // device removed
}
