import { type Memory } from 'memdesc';
import { BouncePool, bounceIn, type BouncePage } from '../lib/bounce.js';

interface Bio { page: BouncePage; status: number }

function endIo(pool: BouncePool, bio: Bio): void {
  pool.put(bio.page);
}

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 0);
  const page = pool.get();
  if (!page) return;
  const bio: Bio = { page, status: 0 };
  bounceIn(bio.page, new Uint8Array(512));
  bio.status = -5; // EIO
  endIo(pool, bio);
  if (bio.status !== 0) bio.status = 0; // retried by the upper layer
}
