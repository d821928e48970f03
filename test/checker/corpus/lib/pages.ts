/**
 * Page helpers a driver keeps in its own utility module. None of them has an assertion signature —
 * the way most people write helpers — so the compiler does not see what they do to their argument;
 * the checker has to summarise them.
 */
import { freePage, readRaw, writeRaw, PAGE_SIZE, type Owned, type Page } from 'memdesc';

/** The page type every corpus driver moves around. */
export type DataPage = Owned<Page<0>>;

/** `__free_page()` behind a driver's own name. Consumes `page`. */
export function releasePage(page: DataPage): void {
  freePage(page);
}

/** Writes a `{ seq, len }` header at the start of the page. */
export function writeHeader(page: DataPage, seq: number, len: number): void {
  const hdr = new Uint8Array(8);
  const dv = new DataView(hdr.buffer);
  dv.setUint32(0, seq, true);
  dv.setUint32(4, len, true);
  writeRaw(page, hdr, 0);
}

/** Reads the header {@link writeHeader} wrote. Borrows `page`. */
export function readHeader(page: DataPage): { seq: number; len: number } {
  const hdr = new Uint8Array(8);
  readRaw(page, hdr, 0);
  const dv = new DataView(hdr.buffer);
  return { seq: dv.getUint32(0, true), len: dv.getUint32(4, true) };
}

/** A cheap checksum of the first `len` bytes. Borrows `page`. */
export function checksumPage(page: DataPage, len: number = PAGE_SIZE): number {
  const buf = new Uint8Array(len);
  readRaw(page, buf, 0);
  let sum = 0;
  for (const b of buf) sum = (sum * 31 + b) >>> 0;
  return sum;
}

/** Fills the first `len` bytes with `byte`. Borrows `page`. */
export function fillPage(page: DataPage, byte: number, len: number = PAGE_SIZE): void {
  writeRaw(page, new Uint8Array(len).fill(byte), 0);
}
