/**
 * Read-ahead: the verifier reads the bio page before the request is run and completed.
 *
 * Kernel: blk_mq_run_hw_queue() dispatches pending requests; completion ends each bio.
 * Protocol: a request added to the queue belongs to it; its bios' pages are freed by
 * the completion, so whatever the submitter wants from them it reads before run().
 * RequestQueue.run() frees every bio of every pending request.
 */
import { readRaw, type Memory } from 'memdesc';
import { bioAlloc, RequestQueue } from '../lib/blkq.js';

export async function run(mem: Memory): Promise<void> {
  const q = new RequestQueue();
  const bio = bioAlloc(mem, 64, 2);
  if (bio === null) return;
  const page = bio.pages[1];
  if (page !== undefined) readRaw(page, new Uint8Array(512), 0);
  q.add({ tag: 1, bios: [bio] });
  await q.run(); // completion frees the bios' pages
}
