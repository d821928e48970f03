import { folioAlloc, folioPut, folioAddress, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

function parse(buf: Uint8Array): number {
  if (buf.length === 0) throw new Error('empty');
  return buf[0] ?? 0;
}

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 1);
  if (!folio) return;
  try {
    const buf = new Uint8Array(16);
    readRaw(folioAddress(folio), buf, 0);
    parse(buf);
  } finally {
    folioPut(folio);
  }
}
