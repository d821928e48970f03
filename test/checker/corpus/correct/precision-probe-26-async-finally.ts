import { folioAlloc, folioPut, folioLock, folioUnlock, writeRaw, GFP_KERNEL, type Memory, type ARef, type Folio } from 'memdesc';

const sleep = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

async function writeback(f: ARef<Folio<0>>): Promise<number> {
  await sleep(1);
  const l = folioLock(f);
  writeRaw(l, new Uint8Array([1]), 0);
  folioUnlock(l);
  return 1;
}

export async function run(mem: Memory): Promise<void> {
  const f = folioAlloc(mem, GFP_KERNEL, 0);
  if (!f) return;
  try {
    await writeback(f);
    await writeback(f);
  } finally {
    folioPut(f);
  }
  const g = folioAlloc(mem, GFP_KERNEL, 0);
  if (!g) return;
  const done = writeback(g).then(() => folioPut(g));
  await done;
}
