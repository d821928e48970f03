/** Firmware parsing in a vmalloc staging area: vfree() in finally, whether the parser throws or not. */
import { readRaw, vfree, vmalloc, writeRaw, type Memory } from 'memdesc';

function parseHeader(mem: Memory, blob: Uint8Array): number {
  const staging = vmalloc(mem, 2 * 4096);
  if (staging === null) return -12;
  try {
    writeRaw(staging, blob, 0);
    const magic = new Uint8Array(2);
    readRaw(staging, magic, 0);
    if (magic[0] !== 0x55 || magic[1] !== 0xaa) throw new Error('bad firmware magic');
    return blob.length;
  } finally {
    vfree(staging);
  }
}

export function run(mem: Memory): void {
  parseHeader(mem, new Uint8Array([0x55, 0xaa, 1, 2]));
  try {
    parseHeader(mem, new Uint8Array([0, 0]));
  } catch {
    // request_firmware() fallback would go here
  }
}
