// io_uring fixed buffers: a one-shot buffer is consumed by a checksum pass over its kmapped
// page; the buffer is unregistered once the page is unmapped again.
import { withPageMapped, type Memory } from 'memdesc';
import { FixedBufTable, copyToFixed } from '../lib/fixedbuf.js';

function csumAndRetire(table: FixedBufTable, idx: number, len: number): number {
  const buf = table.lookup(idx);
  if (buf === null) return -1;
  const page = buf.pages[0];
  if (page === undefined) return -1;
  const sum = withPageMapped(page, (view) => {
    let sum = 0;
    for (let i = 0; i < len; i++) sum = (sum + (view[i] ?? 0)) & 0xffff;
    return sum;
  });
  table.unregister(idx);
  return sum;
}

export function run(mem: Memory): void {
  const table = new FixedBufTable(2);
  const buf = table.register(mem, 1, 1);
  if (buf === null) throw new Error('ENOMEM');
  copyToFixed(buf, 0, new Uint8Array([1, 2, 3, 4, 5]));
  const sum = csumAndRetire(table, 1, 5);
  if (sum !== 15) throw new Error(`bad csum ${sum}`);
  table.destroy();
}
