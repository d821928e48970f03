// The worker queues a completion callback per copied descriptor; the callbacks run when the
// backend signals the batch done, and read the host page back into the used ring.
// Fixed: on a short batch the worker runs the queued completions before freeing the pages.
import { readRaw, type Memory } from 'memdesc';
import { makeRing, copyToHost, releaseHost, type HostPage } from '../lib/vhost.js';

type Completion = () => void;

export function run(mem: Memory): void {
  const ring = makeRing(2);
  const completions: Completion[] = [];
  const pages: HostPage[] = [];
  for (let d = ring.pop(); d !== undefined; d = ring.pop()) {
    const page = copyToHost(mem, d);
    if (page === null) break;
    pages.push(page);
    const id = d.id;
    completions.push(() => {
      const b = new Uint8Array(1);
      readRaw(page, b, 0);
      ring.used.push(id * 256 + (b[0] ?? 0));
    });
  }
  const BATCH = 4;
  if (pages.length < BATCH) {
    for (const done of completions) done();
    completions.length = 0;
    for (const p of pages) releaseHost(p);
    pages.length = 0;
  }
  for (const done of completions) done();
  for (const p of pages) releaseHost(p);
}
