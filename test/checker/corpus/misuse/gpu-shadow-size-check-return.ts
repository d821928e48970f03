/**
 * A firmware image is staged in vmalloc; an image larger than the ring returns -EFBIG without vfree().
 *
 * Kernel: request_firmware() images are staged in vmalloc space before upload.
 * Protocol: the staging area is owned by stageFirmware(); every return after the
 * allocation must vfree() it, or the check must come before the allocation.
 */
import { vfree, writeRaw, type Memory } from 'memdesc';
import { allocShadow } from '../lib/gpu-bo.js';

const RING_BYTES = 8192;

function stageFirmware(mem: Memory, image: Uint8Array): number {
  const staging = allocShadow(mem, 4 * 4096); // expect: leak
  if (staging === null) return -12;
  if (image.length > RING_BYTES) return -27; // expect-also: leak
  writeRaw(staging, image, 0);
  vfree(staging); // handed to the microcontroller and released
  return 0;
}

export function run(mem: Memory): void {
  stageFirmware(mem, new Uint8Array(4096));
  stageFirmware(mem, new Uint8Array(12288));
}
