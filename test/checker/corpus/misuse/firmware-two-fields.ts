/** A firmware loader keeps the same vmalloc area in two fields (`image` and `active`) and `close()` frees both. */
import { vfree, vmalloc, writeRaw, type Memory, type VmallocArea } from 'memdesc';

class Firmware {
  image: VmallocArea;
  active: VmallocArea | null = null;

  constructor(mem: Memory, size: number) {
    const image = vmalloc(mem, size);
    if (image === null) throw new Error('ENOMEM');
    this.image = image;
  }

  load(bytes: Uint8Array): void {
    writeRaw(this.image, bytes, 0);
    this.active = this.image; // the device runs this image now
  }

  close(): void {
    vfree(this.image);
    if (this.active !== null) vfree(this.active); // expect: double-free
    this.active = null;
  }
}

export function run(mem: Memory): void {
  const fw = new Firmware(mem, 12288);
  fw.load(new Uint8Array([0xfe, 0xed]));
  fw.close();
}
