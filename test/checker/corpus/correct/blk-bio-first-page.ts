/**
 * A read bio's first page is checked by the verifier before end_io frees the bio's pages.
 *
 * Kernel: a filesystem reads its superblock with a one-off bio and checks it in end_io.
 * Protocol: bio_put() frees the bio's pages; a page pointer taken out of bio->bi_io_vec
 * is a borrow that dies with the bio.
 */
import { readRaw, type Memory } from 'memdesc';
import { bioAlloc, bioPut } from '../lib/blkq.js';

export function run(mem: Memory): void {
  const bio = bioAlloc(mem, 2048, 4);
  if (bio === null) return;
  const first = bio.pages[0];
  if (first === undefined) {
    bioPut(bio);
    return;
  }
  const sb = new Uint8Array(16);
  readRaw(first, sb, 0);
  bioPut(bio); // end_io
  if (sb[0] === 0xff) throw new Error('bad superblock');
}
