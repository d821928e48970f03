/** A helper frees the bio itself on a hard error and reports it; the caller frees only when told it still owns it. */
import { type Memory } from 'memdesc';
import { bioAlloc, bioPut, RequestQueue, type Bio } from '../lib/blkq.js';

/** Returns true when the bio was consumed (queued, or failed and freed). */
function submit(q: RequestQueue, bio: Bio, tag: number): boolean {
  if (bio.sector < 0) {
    bioPut(bio); // -EIO: freed here
    return true;
  }
  if (q.pending.length >= 2) return false; // busy: still the caller's
  q.add({ tag, bios: [bio] });
  return true;
}

export async function run(mem: Memory): Promise<void> {
  const q = new RequestQueue();
  for (const sector of [0, -8, 16, 24]) {
    const bio = bioAlloc(mem, sector, 1);
    if (bio === null) break;
    if (!submit(q, bio, sector)) bioPut(bio);
  }
  await q.run();
}
