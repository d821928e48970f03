/**
 * A page-pool buffer is attached to an rx descriptor, put through the local, read through the descriptor.
 *
 * Kernel: page_pool netmem buffers attached to rx descriptors.
 * Protocol: attaching a buffer to a descriptor does not take a reference; the
 * reference stays the driver's until the descriptor lets go of it.
 */
import { memdescAddress, readRaw, type ARef, type Memory } from 'memdesc';
import { allocNetmem, putNetmem, type Netmem } from '../lib/shdesc.js';

interface RxDesc {
  readonly queue: number;
  buf: ARef<Netmem> | null;
}

export function run(mem: Memory): void {
  const nm = allocNetmem(mem);
  if (nm === null) return;
  const desc: RxDesc = { queue: 0, buf: nm };
  putNetmem(nm); // the driver thinks the descriptor took its own reference
  if (desc.buf !== null) readRaw(memdescAddress(desc.buf), new Uint8Array(8), 0); // expect: use-after-free
}
