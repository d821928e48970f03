// CPU hotplug: when a CPU goes offline its ring buffer is removed, and the reader drains what
// was committed. This one tears the buffer down before consuming the reader page.
import { type Memory } from 'memdesc';
import { allocCpuBuffer, swapReaderPage, readEvent, freeCpuBuffer } from '../lib/ringbuf.js';

const enc = new TextEncoder();

export function run(mem: Memory): string[] {
  const cb = allocCpuBuffer(mem, 3, 4);
  if (cb === null) throw new Error('ring_buffer: ENOMEM');
  for (let i = 0; i < 3; i++) cb.write(enc.encode(`sched_switch prev=${i} next=${i + 1}`));

  const drained: string[] = [];
  const len = swapReaderPage(cb);
  const page = cb.readerPage;
  if (page === null || len === 0) {
    freeCpuBuffer(cb);
    return drained;
  }
  // cpu is going down: nothing more will be written, release the buffer
  freeCpuBuffer(cb);
  drained.push(new TextDecoder().decode(readEvent(page, len))); // expect: use-after-free
  return drained;
}
