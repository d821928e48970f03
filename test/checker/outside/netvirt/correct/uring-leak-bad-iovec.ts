import { vmalloc, vfree, writeRaw, type Memory, type VmallocArea } from 'memdesc';

interface Iovec {
  base: number;
  len: number;
}

/** io_buffer_register: a vmalloc'd bounce area per iovec; invalid ones are skipped. */
function registerAll(mem: Memory, iovs: Iovec[], out: VmallocArea[]): number {
  for (const iov of iovs) {
    const area = vmalloc(mem, Math.max(iov.len, 1));
    if (area === null) return -1;
    if (iov.base % 4096 !== 0) {
      vfree(area);
      continue;
    }
    writeRaw(area, new Uint8Array([iov.len & 0xff]), 0);
    out.push(area);
  }
  return out.length;
}

export function run(mem: Memory): void {
  const areas: VmallocArea[] = [];
  const n = registerAll(mem, [{ base: 0x10000, len: 8192 }, { base: 0x10010, len: 100 }, { base: 0x20000, len: 4096 }], areas);
  for (const a of areas) vfree(a);
  if (n !== 2) throw new Error('n');
}
