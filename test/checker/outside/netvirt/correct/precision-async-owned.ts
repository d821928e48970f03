import { vmalloc, vfree, writeRaw, readRaw, type Memory, type VmallocArea } from 'memdesc';

/** Ownership of a vmalloc'd area returned from an async helper, used across awaits, freed once. */
async function loadFirmware(mem: Memory, size: number): Promise<VmallocArea | null> {
  const area = vmalloc(mem, size);
  if (area === null) return null;
  await Promise.resolve();
  writeRaw(area, new Uint8Array([0x7f, 0x45]), 0);
  return area;
}

export async function run(mem: Memory): Promise<void> {
  const fw = await loadFirmware(mem, 3 * 4096);
  if (fw === null) return;
  await Promise.resolve();
  const b = new Uint8Array(2);
  readRaw(fw, b, 0);
  vfree(fw);
  if (b[0] !== 0x7f) throw new Error('fw');
}
