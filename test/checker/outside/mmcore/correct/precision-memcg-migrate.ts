// Charge migration between groups: uncharge() hands the folio back to the caller, who either
// charges it to the destination (ownership moves to it) or puts it when the destination is full;
// an emergency reserve is allocated with GFP_ATOMIC under the group lock.
import { folioAlloc, folioPut, withSpinLock, GFP_ATOMIC, type Memory } from 'memdesc';
import { MemCgroup, type CgFolio } from '../lib/memcg.js';

function moveOrDrop(folio: CgFolio, dst: MemCgroup): boolean {
  if (dst.usage >= dst.limit) {
    folioPut(folio);
    return false;
  }
  dst.charge(folio);
  return true;
}

function migrate(src: MemCgroup, dst: MemCgroup, keys: number[]): { moved: number; dropped: number } {
  let moved = 0;
  let dropped = 0;
  for (const key of keys) {
    const folio = src.uncharge(key);
    if (folio === undefined) continue;
    if (moveOrDrop(folio, dst)) moved++;
    else dropped++;
  }
  return { moved, dropped };
}

export function run(mem: Memory): void {
  const src = new MemCgroup(mem, 'old', 8);
  const dst = new MemCgroup(mem, 'new', 3);
  const keys: number[] = [];
  for (let i = 0; i < 5; i++) keys.push(src.allocCharged());
  const reserve: CgFolio | null = withSpinLock(dst.lock, (ctx) => folioAlloc(ctx, GFP_ATOMIC, 0));
  const { moved, dropped } = migrate(src, dst, keys);
  if (reserve !== null) {
    if (dst.usage < dst.limit) dst.charge(reserve);
    else folioPut(reserve);
  }
  dst.reclaim();
  console.log(`migrate: ${moved} moved, ${dropped} dropped, usage ${src.usage}/${dst.usage}`);
  src.destroy();
  dst.destroy();
}
