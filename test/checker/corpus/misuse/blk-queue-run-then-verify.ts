/**
 * Read-ahead: the request is queued and run; the verifier reads a bio page the completion freed.
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
  q.add({ tag: 1, bios: [bio] });
  await q.run(); // completion frees the bios' pages
  if (page !== undefined) readRaw(page, new Uint8Array(512), 0); // expect: use-after-free
}
