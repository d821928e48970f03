import { memdescFree, type Memory } from 'memdesc';
import { Balloon, Host, balloonPageAlloc, pfnOf, type BalloonEntry } from '../lib/balloon.js';

/** balloon_page_migrate(): moves one inflated page to a new one; the old page is released. */
function migrate(balloon: Balloon, entry: BalloonEntry): boolean {
  const fresh = balloonPageAlloc(balloon.mem);
  if (fresh === null) return false;
  if (!balloon.enqueue(fresh, pfnOf(fresh))) {
    memdescFree(fresh);
    return false;
  }
  balloon.remove(entry);
  memdescFree(entry.page);
  return true;
}

export function run(mem: Memory): void {
  const balloon = new Balloon(mem, new Host());
  balloon.inflate(3);
  const victim = balloon.isolate();
  if (victim === null) return;
  const moved = migrate(balloon, victim);
  if (!moved) memdescFree(victim.page);
  balloon.destroy();
}
