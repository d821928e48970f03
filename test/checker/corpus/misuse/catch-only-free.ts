/** A parser frees its kmalloc buffer in `catch` only: the normal, exception-free return forgets it. */
import { kfree, kmalloc, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

function parseConfig(mem: Memory, blob: Uint8Array): number {
  const buf = kmalloc(mem, 256, GFP_KERNEL); // expect: leak
  if (buf === null) throw new Error('ENOMEM');
  try {
    writeRaw(buf, blob, 0);
    const hdr = new Uint8Array(2);
    readRaw(buf, hdr, 0);
    if (hdr[0] !== 0x7f) throw new Error('bad magic');
    return hdr[1]!; // expect-also: leak
  } catch (e) {
    kfree(buf);
    throw e;
  }
}

export function run(mem: Memory): void {
  const version = parseConfig(mem, new Uint8Array([0x7f, 3, 0, 0]));
  console.assert(version === 3);
}
