/** A completed tx descriptor is destructured; its page is freed once and the descriptor cleared. */
import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

interface TxDesc {
  page: Owned<Page<0>> | null;
  len: number;
}

function reap(d: TxDesc): number {
  const { page, len } = d;
  d.page = null;
  d.len = 0;
  if (page === null) return 0;
  readRaw(page, new Uint8Array(len), 0);
  freePage(page);
  return len;
}

export function run(mem: Memory): void {
  const ring: TxDesc[] = [0, 1, 2].map(() => ({ page: allocPage(mem, GFP_KERNEL), len: 60 }));
  let bytes = 0;
  for (const d of ring) bytes += reap(d);
  for (const d of ring) bytes += reap(d); // already reaped: nothing
  if (bytes !== 180) throw new Error('lost completion');
}
