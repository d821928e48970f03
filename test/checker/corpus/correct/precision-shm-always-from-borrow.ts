/**
 * A shared-memory segment is AlwaysRefCounted: a subsystem may take a reference from a borrowed page view.
 *
 * Kernel: a shared-memory segment that any subsystem seeing its pages may pin.
 * Protocol: AlwaysRefCounted memdescs allow memdescGet() from a borrowed view
 * (pageMemdesc); every reference, the creator's included, is put once.
 */
import { memdescAlloc, memdescGet, memdescPage, memdescPut, memdescRefCount, pageMemdesc, GFP_KERNEL, type Memory } from 'memdesc';
import { ShmSegDesc } from '../lib/shdesc.js';

export function run(mem: Memory): void {
  const seg = memdescAlloc(mem, ShmSegDesc, GFP_KERNEL);
  if (seg === null) return;
  const view = pageMemdesc(memdescPage(seg, 0), ShmSegDesc); // the GPU side only sees the page
  if (view === null) {
    memdescPut(seg);
    return;
  }
  const gpuRef = memdescGet(view);
  if (memdescRefCount(gpuRef) !== 2) throw new Error('refcount');
  memdescPut(seg); // the creator detaches
  memdescPut(gpuRef); // the last reference
}
