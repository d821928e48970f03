/**
 * A per-CPU stats reporter reads through the shared reference the buffer was moved into.
 *
 * Kernel: per-CPU statistics exported through debugfs (a counted buffer).
 * Protocol: intoShared() moves the Owned stats buffer; a reporter must read through the
 * shared reference, not through a closure that captured the Owned handle.
 */
import { defineMemdesc, intoShared, memdescAddress, memdescAlloc, memdescPut, readRaw, GFP_KERNEL, type ARef, type InstanceOf, type Memory } from 'memdesc';

const StatsBuf = defineMemdesc({ name: 'pcpu_stats', ownable: true, refcounted: true });
type Stats = InstanceOf<typeof StatsBuf>;

export function run(mem: Memory): void {
  const stats = memdescAlloc(mem, StatsBuf, GFP_KERNEL);
  if (stats === null) return;
  const report = (ref: ARef<Stats>): number => {
    const b = new Uint8Array(4);
    readRaw(memdescAddress(ref), b, 0);
    return b[0]!;
  };
  const debugfs = intoShared(stats); // stats is moved into the debugfs reference
  const first = report(debugfs);
  memdescPut(debugfs);
  if (first !== 0) throw new Error('stats not zeroed');
}
