// KMS cursor planes: each CRTC's cursor image lives in one page, kept in a Map by CRTC id. A
// cursor update installs the new image with Map.set -- replacing, and losing, the old one.
import { allocPage, freePage, writeRaw, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

type CursorImages = Map<number, Owned<Page<0>>>;

function setCursor(mem: Memory, cursors: CursorImages, crtc: number, argb: Uint8Array): boolean {
  const img = allocPage(mem, GFP_KERNEL); // expect: leak
  if (img === null) return false;
  writeRaw(img, argb, 0);
  cursors.set(crtc, img); // expect-also: leak
  return true;
}

function disableCursor(cursors: CursorImages, crtc: number): void {
  const img = cursors.get(crtc);
  if (img === undefined) return;
  cursors.delete(crtc);
  freePage(img);
}

export function run(mem: Memory): void {
  const cursors: CursorImages = new Map();
  const arrow = new Uint8Array(64 * 4).fill(0xff);
  const beam = new Uint8Array(64 * 4).fill(0x7f);
  if (!setCursor(mem, cursors, 0, arrow) || !setCursor(mem, cursors, 1, arrow)) throw new Error('ENOMEM');
  if (!setCursor(mem, cursors, 0, beam)) throw new Error('ENOMEM'); // the pointer moves over text
  const px = new Uint8Array(4);
  readRaw(cursors.get(0)!, px, 0);
  if (px[0] !== 0x7f) throw new Error('stale cursor');
  disableCursor(cursors, 1);
  disableCursor(cursors, 0);
}
