/** A same-file helper detaches a bio's integrity metadata, frees it, and returns it anyway. */
import { memdescAddress, readRaw, type Memory, type Owned } from 'memdesc';
import { allocBlkMeta, freeBlkMeta, type BlkMeta } from '../lib/shdesc.js';

interface IntegrityBio {
  readonly sector: number;
  meta: Owned<BlkMeta> | null;
}

function detachMeta(bio: IntegrityBio): Owned<BlkMeta> | null {
  const meta = bio.meta;
  bio.meta = null;
  if (meta !== null) freeBlkMeta(meta); // bio_integrity_free()
  return meta;
}

export function run(mem: Memory): void {
  const bio: IntegrityBio = { sector: 8, meta: allocBlkMeta(mem) };
  const meta = detachMeta(bio);
  if (meta !== null) readRaw(memdescAddress(meta), new Uint8Array(8), 0); // expect: use-after-free
}
