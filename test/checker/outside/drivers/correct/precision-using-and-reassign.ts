// `using` scopes and a handle variable reassigned after each free.
import { allocPage, kmalloc, kfree, writeRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): number {
  let total = 0;
  for (let i = 0; i < 3; i++) {
    using bounce = allocPage(mem, GFP_KERNEL);
    if (!bounce) continue;
    writeRaw(bounce, new Uint8Array([i + 1]), 0);
    const b = new Uint8Array(1);
    readRaw(bounce, b, 0);
    total += b[0] ?? 0;
  }
  let msg = kmalloc(mem, 64, GFP_KERNEL);
  if (!msg) return total;
  writeRaw(msg, new Uint8Array(8).fill(1), 0);
  kfree(msg);
  msg = kmalloc(mem, 128, GFP_KERNEL);
  if (msg) {
    writeRaw(msg, new Uint8Array(8).fill(2), 0);
    kfree(msg);
  }
  return total;
}
