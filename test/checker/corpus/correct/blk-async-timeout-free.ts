/**
 * A timed-out read marks the bio failed and lets submit_bio_wait()'s completion free its page.
 *
 * Kernel: submit_bio() with a driver timeout; the bio's end_io owns the completion.
 * Protocol: once a bio is submitted its pages belong to the completion until it runs;
 * a timeout may only mark the bio (bi_status) and let end_io do the freeing.
 * The completion runs at the caller's next await.
 */
import { type Memory } from 'memdesc';
import { bioAlloc, submitBioAndRelease } from '../lib/blkq.js';

export async function run(mem: Memory): Promise<void> {
  const bio = bioAlloc(mem, 128, 1);
  if (bio === null) return;
  const done = submitBioAndRelease(bio); // the completion frees the bio's pages
  const timedOut = true;
  if (timedOut) bio.status = -110; // -ETIMEDOUT: reported by the completion
  const status = await done;
  if (status !== -110) throw new Error('timeout lost');
}
