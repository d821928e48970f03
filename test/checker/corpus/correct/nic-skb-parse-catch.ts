/** A control frame is parsed from a kmalloc copy; the copy is freed in finally, on both paths. */
import { kfree, kmalloc, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

function parseTlv(bytes: Uint8Array): number {
  if (bytes[0] !== 0x7e) throw new Error('bad TLV magic');
  return bytes[1]!;
}

function handleControl(mem: Memory, frame: Uint8Array): number {
  const copy = kmalloc(mem, 256, GFP_KERNEL);
  if (copy === null) return -12;
  writeRaw(copy, frame, 0);
  try {
    const head = new Uint8Array(2);
    readRaw(copy, head, 0);
    return parseTlv(head);
  } catch {
    return -22;
  } finally {
    kfree(copy);
  }
}

export function run(mem: Memory): void {
  handleControl(mem, new Uint8Array([0x7e, 3]));
  handleControl(mem, new Uint8Array([0x00, 3]));
}
