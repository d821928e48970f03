// Precision: async code done right, and references taken in one helper and dropped in another
// -- a key looked up before an await and put after it, a key shared with intoShared and taken
// back through the handle tryFromShared returned, balloon pages freed only after the host has
// acknowledged, and page_pool fragments put by a completion helper.
import { intoShared, tryFromShared, memdescFree, memdescPut, freePage, pageToPfn, type Memory } from 'memdesc';
import { Keyring, keyAlloc, keyWritePayload, keyReadPayload, keyGet, keyPut, type KeyRef } from '../lib/keyring.js';
import { BalloonDev, BalloonHost } from '../lib/balloon.js';
import { PagePool, RxRing, packetBytes, type RxDesc } from '../lib/pagepool.js';

function lookupKey(ring: Keyring, desc: string): KeyRef | null {
  return ring.search(desc);
}

function releaseKey(ref: KeyRef): void {
  keyPut(ref);
}

async function useKeyLater(ring: Keyring, host: BalloonHost): Promise<number> {
  const ref = lookupKey(ring, 'user:a');
  if (ref === null) return 0;
  await host.kick();
  const n = keyReadPayload(ref).length;
  releaseKey(ref);
  return n;
}

async function deflateAcked(dev: BalloonDev, n: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < n; i++) {
    const page = dev.dequeue();
    if (page === null) break;
    const pfn = pageToPfn(page);
    await dev.host.kick();
    dev.host.tellDeflate([pfn]);
    freePage(page);
    done++;
  }
  return done;
}

function completeRx(pool: PagePool, descs: RxDesc[]): number {
  let bytes = 0;
  for (const d of descs) {
    bytes += packetBytes(d).length;
    pool.putFrag(d.frag);
  }
  return bytes;
}

export async function run(mem: Memory): Promise<void> {
  const ring = new Keyring();
  const k = keyAlloc(mem);
  if (k === null) throw new Error('ENOMEM');
  keyWritePayload(k, new TextEncoder().encode('abc'));
  ring.instantiate('user:a', k);
  const host = new BalloonHost(16);
  if ((await useKeyLater(ring, host)) !== 3) throw new Error('payload');

  // Share a private key with a second holder, then take it back.
  const priv = keyAlloc(mem);
  if (priv === null) throw new Error('ENOMEM');
  const shared = intoShared(priv);
  const second = keyGet(shared);
  await host.kick();
  keyPut(second);
  const back = tryFromShared(shared);
  if (back.unique) memdescFree(back);
  else memdescPut(back);

  const dev = new BalloonDev(mem, host);
  dev.inflate(mem, 4);
  if ((await deflateAcked(dev, 4)) !== 4) throw new Error('deflate');
  dev.remove();

  const pool = new PagePool(mem, 4);
  const rx = new RxRing(pool);
  const descs: RxDesc[] = [];
  for (let i = 0; i < 3; i++) {
    const d = rx.receive(mem, new Uint8Array(100).fill(i));
    if (d !== null) descs.push(d);
  }
  await host.kick();
  if (completeRx(pool, descs) !== 300) throw new Error('rx bytes');
  rx.close();
  pool.destroy();
  ring.clear();
}
