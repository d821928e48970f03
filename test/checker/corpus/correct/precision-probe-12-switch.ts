import { allocPage, freePage, kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

type Cmd = 'drop' | 'keep' | 'copy';

function handle(mem: Memory, cmd: Cmd, sink: Uint8Array[]): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  switch (cmd) {
    case 'drop':
      freePage(page);
      break;
    case 'keep':
      writeRaw(page, new Uint8Array([7]), 0);
      freePage(page);
      break;
    default: {
      const k = kmalloc(mem, 32, GFP_KERNEL);
      if (k) {
        sink.push(new Uint8Array(1));
        kfree(k);
      }
      freePage(page);
    }
  }
}

export function run(mem: Memory): void {
  const sink: Uint8Array[] = [];
  for (const c of ['drop', 'keep', 'copy'] as const) handle(mem, c, sink);
}
