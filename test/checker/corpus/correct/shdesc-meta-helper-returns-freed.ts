/** A same-file helper detaches a bio's integrity metadata and returns it; the caller reads, then frees. */
import { memdescAddress, readRaw, type Memory, type Owned } from 'memdesc';
import { allocBlkMeta, freeBlkMeta, type BlkMeta } from '../lib/shdesc.js';

interface IntegrityBio {
  readonly sector: number;
  meta: Owned<BlkMeta> | null;
}

function detachMeta(bio: IntegrityBio): Owned<BlkMeta> | null {
  const meta = bio.meta;
  bio.meta = null;
  return meta; // ownership moves to the caller
}

export function run(mem: Memory): void {
  const bio: IntegrityBio = { sector: 8, meta: allocBlkMeta(mem) };
  const meta = detachMeta(bio);
  if (meta !== null) {
    readRaw(memdescAddress(meta), new Uint8Array(8), 0);
    freeBlkMeta(meta);
  }
}
