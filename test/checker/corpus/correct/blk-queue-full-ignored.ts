/** A helper queues a bio only when the queue has room and says so; the caller frees a refused bio. */
import { type Memory } from 'memdesc';
import { bioAlloc, bioPut, RequestQueue, type Bio } from '../lib/blkq.js';

const QUEUE_DEPTH = 2;

function tryQueue(q: RequestQueue, bio: Bio, tag: number): boolean {
  if (q.pending.length >= QUEUE_DEPTH) return false; // the caller still owns bio
  q.add({ tag, bios: [bio] });
  return true;
}

export async function run(mem: Memory): Promise<void> {
  const q = new RequestQueue();
  for (let tag = 0; tag < 3; tag++) {
    const bio = bioAlloc(mem, tag * 8, 1);
    if (bio === null) break;
    if (!tryQueue(q, bio, tag)) bioPut(bio); // -EBUSY: fail the I/O
  }
  await q.run();
}
