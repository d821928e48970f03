// Per-cgroup refill: when a group falls below its reserve, the refill path tops it up. The
// reserve check is done under the group's lock; the allocation, which may sleep, outside it.
import { withSpinLock, type Memory } from 'memdesc';
import { MemCgroup } from '../lib/memcg.js';

const RESERVE = 4;

function refill(cg: MemCgroup, have: { n: number }): void {
  const missing = withSpinLock(cg.lock, () => RESERVE - have.n);
  for (let i = 0; i < missing; i++) {
    if (cg.allocCharged() === 0) break;
    have.n++;
  }
}

export function run(mem: Memory): void {
  const cg = new MemCgroup(mem, 'workers', 16);
  const have = { n: 1 };
  cg.allocCharged();
  refill(cg, have);
  console.log(`memcg ${cg.name}: usage ${cg.usage}`);
  cg.destroy();
}
