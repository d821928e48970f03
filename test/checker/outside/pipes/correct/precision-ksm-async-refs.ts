// Async scanners each take a counted reference on a shared stable page, await, and put it;
// the owner waits for all of them and then reclaims exclusive ownership to free it.
import {
  defineMemdesc, memdescAlloc, memdescFree, memdescGet, memdescPut, memdescAddress,
  intoShared, tryFromShared, readRaw, writeRaw, GFP_KERNEL,
  type Memory, type ARef, type InstanceOf,
} from 'memdesc';

const StablePage = defineMemdesc({ name: 'ksm_stable', ownable: true, refcounted: true });
type Stable = InstanceOf<typeof StablePage>;

const yieldCpu = (): Promise<void> => new Promise((r) => setImmediate(r));

async function scanRmap(stable: ARef<Stable>, mm: string, seen: string[]): Promise<void> {
  const ref = memdescGet(stable);
  try {
    await yieldCpu();
    const b = new Uint8Array(4);
    readRaw(memdescAddress(ref), b, 0);
    seen.push(`${mm}:${b[0] ?? 0}`);
  } finally {
    memdescPut(ref);
  }
}

export async function run(mem: Memory): Promise<void> {
  const owned = memdescAlloc(mem, StablePage, GFP_KERNEL);
  if (owned === null) return;
  writeRaw(memdescAddress(owned), new Uint8Array([0x5a]), 0);
  const stable = intoShared(owned);
  const seen: string[] = [];
  await Promise.all(['mm1', 'mm2', 'mm3'].map((mm) => scanRmap(stable, mm, seen)));
  const r = tryFromShared(stable);
  if (r.unique) memdescFree(r);
  else memdescPut(r);
}
