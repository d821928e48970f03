// The worker drains the guest ring, copying each descriptor into a host page and handing the
// pages to the backend in a batch. Descriptors the backend rejects (odd ids: a read-only
// queue) are completed with an error.
// Bug: the rejected descriptor's host page was already allocated; `continue` loses it.
import { type Memory } from 'memdesc';
import { makeRing, copyToHost, releaseHost, type HostPage } from '../lib/vhost.js';

export function run(mem: Memory): void {
  const ring = makeRing(4);
  const batch: HostPage[] = [];
  for (let d = ring.pop(); d !== undefined; d = ring.pop()) {
    const page = copyToHost(mem, d); // expect: leak
    if (page === null) break;
    if (d.id % 2 === 1) {
      ring.used.push(-1);
      continue; // expect-also: leak
    }
    batch.push(page);
    ring.used.push(d.id);
  }
  for (const p of batch) releaseHost(p);
}
