/**
 * A per-CPU stats reporter captures the Owned stats buffer; the buffer is then shared with debugfs.
 *
 * Kernel: per-CPU statistics exported through debugfs (a counted buffer).
 * Protocol: intoShared() moves the Owned stats buffer; a reporter must read through the
 * shared reference, not through a closure that captured the Owned handle.
 */
import { defineMemdesc, intoShared, memdescAddress, memdescAlloc, memdescPut, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

const StatsBuf = defineMemdesc({ name: 'pcpu_stats', ownable: true, refcounted: true });

export function run(mem: Memory): void {
  const stats = memdescAlloc(mem, StatsBuf, GFP_KERNEL);
  if (stats === null) return;
  const report = (): number => {
    const b = new Uint8Array(4);
    readRaw(memdescAddress(stats), b, 0); // expect-also: use-after-move
    return b[0]!;
  };
  const debugfs = intoShared(stats); // stats is moved into the debugfs reference
  const first = report(); // expect: use-after-move
  memdescPut(debugfs);
  if (first !== 0) throw new Error('stats not zeroed');
}
