/** A parser frees its kmalloc buffer in `finally`: the normal return and the exception both free it. */
import { kfree, kmalloc, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

function parseConfig(mem: Memory, blob: Uint8Array): number {
  const buf = kmalloc(mem, 256, GFP_KERNEL);
  if (buf === null) throw new Error('ENOMEM');
  try {
    writeRaw(buf, blob, 0);
    const hdr = new Uint8Array(2);
    readRaw(buf, hdr, 0);
    if (hdr[0] !== 0x7f) throw new Error('bad magic');
    return hdr[1]!;
  } finally {
    kfree(buf);
  }
}

export function run(mem: Memory): void {
  const version = parseConfig(mem, new Uint8Array([0x7f, 3, 0, 0]));
  console.assert(version === 3);
}
