import { kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';

/** A control buffer replaced on every command: freed, then the variable gets a new one. */
export function run(mem: Memory): void {
  let cmd: KmallocPtr<'slab'> | null = kmalloc(mem, 128, GFP_KERNEL);
  for (let i = 0; i < 3 && cmd !== null; i++) {
    writeRaw(cmd, new Uint8Array([i]), 0);
    kfree(cmd);
    cmd = kmalloc(mem, 128, GFP_KERNEL);
  }
  if (cmd !== null) kfree(cmd);
}
