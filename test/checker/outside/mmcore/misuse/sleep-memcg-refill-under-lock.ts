// Per-cgroup refill: when a group falls below its reserve, the refill path tops it up. The
// reserve check and refill are done under the group's lock so two refills don't race.
import { withSpinLock, type Memory } from 'memdesc';
import { MemCgroup } from '../lib/memcg.js';

const RESERVE = 4;

function refill(cg: MemCgroup, have: { n: number }): void {
  withSpinLock(cg.lock, () => {
    while (have.n < RESERVE) {
      if (cg.allocCharged() === 0) break; // expect: sleep-in-atomic
      have.n++;
    }
  });
}

export function run(mem: Memory): void {
  const cg = new MemCgroup(mem, 'workers', 16);
  const have = { n: 1 };
  cg.allocCharged();
  refill(cg, have);
  console.log(`memcg ${cg.name}: usage ${cg.usage}`);
  cg.destroy();
}
