/**
 * Page-pool buffers in a Map by id: one is deleted from the Map and put; teardown puts the rest.
 *
 * Kernel: a NIC's page_pool of netmem buffers, indexed by queue id.
 * Protocol: the Map owns one reference per entry; putting an entry's reference and
 * deleting the entry go together, and teardown puts what is left.
 */
import { type ARef, type Memory } from 'memdesc';
import { allocNetmem, putNetmem, type Netmem } from '../lib/shdesc.js';

export function run(mem: Memory): void {
  const pool = new Map<number, ARef<Netmem>>();
  for (let id = 0; id < 3; id++) {
    const nm = allocNetmem(mem);
    if (nm !== null) pool.set(id, nm);
  }
  const dead = pool.get(1);
  if (dead !== undefined) {
    pool.delete(1);
    putNetmem(dead); // queue 1 torn down
  }
  for (const nm of pool.values()) putNetmem(nm);
  pool.clear();
}
