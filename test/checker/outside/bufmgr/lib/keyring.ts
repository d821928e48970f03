// A kernel-keyring-like object store: a key's payload lives in a driver memdesc that is ownable
// while it is being instantiated and refcounted once it is published (intoShared).
import {
  defineMemdesc, memdescAlloc, memdescGet, memdescPut, memdescFree, memdescAddress, memdescRefCount,
  intoShared, tryFromShared, writeRaw, readRaw, GFP_KERNEL,
  type Memory, type Owned, type ARef, type InstanceOf, type Live,
} from 'memdesc';

export const KeyPayload = defineMemdesc({ name: 'key_payload', ownable: true, refcounted: true });
export type Key = InstanceOf<typeof KeyPayload>;
export type KeyOwned = Owned<Key>;
export type KeyRef = ARef<Key>;

/** key_alloc(): an uninstantiated key, owned by the caller. */
export function keyAlloc(mem: Memory): KeyOwned | null {
  return memdescAlloc(mem, KeyPayload, GFP_KERNEL);
}

/** Writes payload bytes (a length prefix, then the data) into a key. */
export function keyWritePayload(key: KeyOwned, data: Uint8Array): void {
  const hdr = new Uint8Array(2);
  new DataView(hdr.buffer).setUint16(0, data.length, true);
  writeRaw(memdescAddress(key), hdr, 0);
  writeRaw(memdescAddress(key), data, 2);
}

/** Reads the payload of a key through any live handle. */
export function keyReadPayload(key: KeyOwned | KeyRef): Uint8Array {
  const hdr = new Uint8Array(2);
  readRaw(memdescAddress(key), hdr, 0);
  const out = new Uint8Array(new DataView(hdr.buffer).getUint16(0, true));
  readRaw(memdescAddress(key), out, 2);
  return out;
}

/** key_put(). */
export function keyPut(ref: KeyRef): void {
  memdescPut(ref);
}

/** key_get(): one more reference. */
export function keyGet(ref: KeyRef & Live): KeyRef {
  return memdescGet(ref);
}

export function keyUsage(ref: KeyRef): number {
  return memdescRefCount(ref);
}

/** A keyring: holds one reference to each linked key. */
export class Keyring {
  readonly #keys = new Map<string, KeyRef>();

  get size(): number {
    return this.#keys.size;
  }

  /** key_instantiate_and_link(): publishes an owned key; the ring keeps the reference made. */
  instantiate(desc: string, key: KeyOwned & Live): void {
    const shared = intoShared(key);
    const old = this.#keys.get(desc);
    this.#keys.set(desc, shared);
    if (old !== undefined) memdescPut(old);
  }

  /** keyring_search(): a new reference to the key, or null. */
  search(desc: string): KeyRef | null {
    const k = this.#keys.get(desc);
    return k === undefined ? null : memdescGet(k);
  }

  /** key_unlink(): drops the ring's reference. */
  unlink(desc: string): boolean {
    const k = this.#keys.get(desc);
    if (k === undefined) return false;
    this.#keys.delete(desc);
    memdescPut(k);
    return true;
  }

  /** keyring_clear(). */
  clear(): void {
    for (const k of this.#keys.values()) memdescPut(k);
    this.#keys.clear();
  }
}

/**
 * key_revoke() of a key whose reference the caller holds: if it is the last one, the key is
 * destroyed here; otherwise the reference is dropped and other holders keep the key.
 * Returns true if the key was destroyed.
 */
export function keyRevoke(ref: KeyRef & Live): boolean {
  const r = tryFromShared(ref);
  if (r.unique) {
    memdescFree(r);
    return true;
  }
  memdescPut(r);
  return false;
}
