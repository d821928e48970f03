// GEM scanout: the driver reads back a CRC of the front buffer on every vblank through a handler
// that captured the buffer's first page. On a page flip it unpins the old framebuffer as soon as
// the flip is queued; memory pressure then evicts it before the old buffer's last vblank fires.
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
    readRaw(scanoutPage, px, 0); // expect-also: use-after-free
    crcs.push(crc8(px));
  };
  onVblank();

  // Page flip to a new framebuffer.
  const back = mgr.create(mem, 2 * PAGE_SIZE, 'system');
  if (back === null) throw new Error('ENOMEM');
  mgr.pin(back);
  mgr.unpin(front); // flip queued: the old buffer looks idle
  mgr.evictIdle(4); // memory pressure
  onVblank(); // expect: use-after-free

  mgr.unpin(back);
  mgr.close();
}
