// io_uring fixed buffers: a READ_FIXED request imports its buffer's first page at submit time;
// the application re-registers the buffer table (IORING_REGISTER_BUFFERS_UPDATE) only after the
// request has completed, so the completion copies into a page the table still owns.
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { FixedBufTable, copyToFixed } from '../lib/fixedbuf.js';

interface ReadFixedReq {
  readonly bufIndex: number;
  readonly len: number;
}

export function run(mem: Memory): void {
  const table = new FixedBufTable(4);
  if (table.register(mem, 0, 2) === null) throw new Error('ENOMEM');
  if (table.register(mem, 1, 1) === null) throw new Error('ENOMEM');
  copyToFixed(table.lookup(1)!, 0, new TextEncoder().encode('fixed buffer one'));

  const req: ReadFixedReq = { bufIndex: 0, len: 64 };
  const imported = table.lookup(req.bufIndex);
  if (imported === null) throw new Error('EFAULT');
  const {
    pages: [first],
  } = imported;
  if (first === undefined) throw new Error('EFAULT');

  // Completion: the device data lands in the imported page.
  const payload = new Uint8Array(req.len).fill(0x5a);
  writeRaw(first, payload, 0);
  const check = new Uint8Array(req.len);
  readRaw(first, check, 0);

  // The application grows buffer 0 once no request uses it.
  table.unregister(0);
  if (table.register(mem, 0, 4) === null) throw new Error('ENOMEM');

  table.destroy();
}
