// GEM scanout: the driver reads back a CRC of the front buffer on every vblank through a handler
// that captured the buffer's first page. On a page flip it keeps the old framebuffer pinned until
// its last vblank has fired; only then may memory pressure evict it.
import { readRaw, PAGE_SIZE, type Memory } from 'memdesc';
import { BoManager, boWrite } from '../lib/bo.js';

function crc8(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = ((c << 1) ^ b) & 0xff;
  return c;
}

export function run(mem: Memory): void {
  const mgr = new BoManager(mem);
  const front = mgr.create(mem, 2 * PAGE_SIZE, 'system');
  if (front === null) throw new Error('ENOMEM');
  boWrite(front, 0, new Uint8Array(64).fill(0x80));
  mgr.pin(front);

  const backing = front.backing;
  if (backing === null || backing.kind !== 'system') throw new Error('not a system BO');
  const [scanoutPage] = backing.pages;
  if (scanoutPage === undefined) throw new Error('empty BO');
  const crcs: number[] = [];
  const onVblank = (): void => {
    const px = new Uint8Array(64);
    readRaw(scanoutPage, px, 0);
    crcs.push(crc8(px));
  };
  onVblank();

  // Page flip to a new framebuffer.
  const back = mgr.create(mem, 2 * PAGE_SIZE, 'system');
  if (back === null) throw new Error('ENOMEM');
  mgr.pin(back);
  onVblank(); // the old buffer's last vblank
  mgr.unpin(front); // flip done: the old buffer is idle now
  mgr.evictIdle(4); // memory pressure

  mgr.unpin(back);
  mgr.close();
}
