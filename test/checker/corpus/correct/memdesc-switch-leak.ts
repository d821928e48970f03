/** A command handler allocates a Binder page (user memdesc, ownable) up front; every case frees it. */
import { memdescAddress, writeRaw, type Memory } from 'memdesc';
import { freeBinderPage, newBinderPage } from '../lib/descs.js';

type Cmd = 'alloc' | 'probe' | 'drop';

function handle(mem: Memory, cmd: Cmd): number {
  const page = newBinderPage(mem);
  if (page === null) return -12;
  switch (cmd) {
    case 'alloc':
      writeRaw(memdescAddress(page), new Uint8Array([1]), 0);
      freeBinderPage(page);
      return 0;
    case 'probe':
      freeBinderPage(page);
      return 1;
    default:
      freeBinderPage(page);
      return 0;
  }
}

export function run(mem: Memory): void {
  for (const cmd of ['alloc', 'probe', 'drop'] as const) handle(mem, cmd);
}
