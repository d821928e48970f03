import { type Memory } from 'memdesc';
import { Balloon, Host } from '../lib/balloon.js';

/** Frees in the list_lru isolate callback (under the list lock) are fine: freeing does not sleep. */
export function run(mem: Memory): void {
  const balloon = new Balloon(mem, new Host());
  balloon.inflate(6);
  const sc = { gfpMask: 0, nid: 0, nrToScan: 4, nrScanned: 0 };
  const freed = balloon.shrinker.scanObjects!(balloon.shrinker, sc);
  if (freed !== 4 || balloon.size() !== 2) throw new Error('shrink');
  balloon.destroy();
}
