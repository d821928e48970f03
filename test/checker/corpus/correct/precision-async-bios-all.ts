/**
 * Several bios submitted at once: each completion frees its own bio; the caller only awaits the statuses.
 *
 * Kernel: a batch of reads submitted with submit_bio() and waited on together.
 * Protocol: submitBioAndRelease() takes ownership of its bio and frees it on completion;
 * the caller keeps only the array of statuses.
 */
import { type Memory } from 'memdesc';
import { bioAlloc, submitBioAndRelease, type Bio } from '../lib/blkq.js';

export async function run(mem: Memory): Promise<void> {
  const bios: Bio[] = [];
  for (let s = 0; s < 4; s++) {
    const bio = bioAlloc(mem, s * 8, 2);
    if (bio !== null) bios.push(bio);
  }
  const statuses = await Promise.all(bios.map((b) => submitBioAndRelease(b)));
  if (statuses.some((s) => s !== 0)) throw new Error('I/O error');
  bios.length = 0;
}
