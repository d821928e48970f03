/** Take-from-Map-then-put: the entry is removed, then its reference put; teardown puts what is left. */
import { type ARef, type Memory } from 'memdesc';
import { allocNetmem, putNetmem, type Netmem } from '../lib/shdesc.js';

function take(pool: Map<number, ARef<Netmem>>, id: number): ARef<Netmem> | undefined {
  const nm = pool.get(id);
  pool.delete(id);
  return nm;
}

export function run(mem: Memory): void {
  const pool = new Map<number, ARef<Netmem>>();
  for (let id = 0; id < 4; id++) {
    const nm = allocNetmem(mem);
    if (nm !== null) pool.set(id, nm);
  }
  const a = take(pool, 0);
  if (a !== undefined) putNetmem(a);
  const again = take(pool, 0); // already taken: undefined
  if (again !== undefined) putNetmem(again);
  for (const nm of pool.values()) putNetmem(nm);
  pool.clear();
}
