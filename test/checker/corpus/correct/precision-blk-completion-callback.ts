/** A completion callback registered with the request frees the bounce buffer; it runs exactly once. */
import { allocPages, freePages, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

interface Completion {
  fired: boolean;
  readonly callbacks: (() => void)[];
}

function complete(c: Completion): void {
  if (c.fired) return;
  c.fired = true;
  for (const cb of c.callbacks.splice(0)) cb();
}

export function run(mem: Memory): void {
  const bounce = allocPages(mem, GFP_KERNEL, 1);
  if (bounce === null) return;
  writeRaw(bounce, new Uint8Array([7]), 0);
  const done: Completion = { fired: false, callbacks: [] };
  done.callbacks.push(() => freePages(bounce, 1));
  complete(done);
  complete(done); // a spurious second interrupt: nothing left to run
}
