/**
 * A timed-out read frees the bio's page itself while submit_bio_wait()'s completion is still pending.
 *
 * Kernel: submit_bio() with a driver timeout; the bio's end_io owns the completion.
 * Protocol: once a bio is submitted its pages belong to the completion until it runs;
 * a timeout may only mark the bio (bi_status) and let end_io do the freeing.
 * The completion runs at the caller's next await.
 */
import { freePage, type Memory } from 'memdesc';
import { bioAlloc, submitBioAndRelease } from '../lib/blkq.js';

export async function run(mem: Memory): Promise<void> {
  const bio = bioAlloc(mem, 128, 1);
  if (bio === null) return;
  const done = submitBioAndRelease(bio); // the completion frees the bio's pages
  const timedOut = true;
  const page = bio.pages[0];
  if (timedOut && page !== undefined) freePage(page); // expect-also: use-after-free
  await done; // expect: use-after-free
}
