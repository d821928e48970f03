// Shared buffers between subsystems (a dma-buf-like export, simplified): the exporter fills a
// buffer it owns, then publishes it as counted references (OwnableRefCounted); importers take
// and drop their own references; the last holder may take it back with tryFromShared.
import {
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescGet,
  memdescPut,
  memdescAddress,
  memdescRefCount,
  intoShared,
  tryFromShared,
  readRaw,
  writeRaw,
  GFP_KERNEL,
  type AllocatedHandle,
  type ARef,
  type InstanceOf,
  type Memory,
} from 'memdesc';

export const ShBuf = defineMemdesc({ name: 'shbuf', ownable: true, refcounted: true });
export const BigShBuf = defineMemdesc({ name: 'shbuf_big', ownable: true, refcounted: true, order: 2 });

export type ShOwned = AllocatedHandle<typeof ShBuf>;
export type ShRef = ARef<InstanceOf<typeof ShBuf>>;

export function shbufAlloc(mem: Memory): ShOwned | null {
  return memdescAlloc(mem, ShBuf, GFP_KERNEL);
}

export function shbufFill(buf: ShOwned, tag: number): void {
  writeRaw(memdescAddress(buf), new Uint8Array([tag, tag + 1, tag + 2]), 0);
}

export function shbufRead(buf: ShOwned | ShRef): number {
  const b = new Uint8Array(1);
  readRaw(memdescAddress(buf), b, 0);
  return b[0]!;
}

/** The export table: each published buffer keeps one reference here. */
export class Exporter {
  readonly exported = new Map<string, ShRef>();

  /** Publishes an owned buffer: it becomes shared; the table holds the reference. */
  publish(name: string, buf: ShOwned): ShRef {
    const ref = intoShared(buf);
    this.exported.set(name, ref);
    return ref;
  }

  /** dma_buf_get(): a new reference for an importer, or null. */
  attach(name: string): ShRef | null {
    const ref = this.exported.get(name);
    return ref === undefined ? null : memdescGet(ref);
  }

  /** Drops the table's reference to name. */
  unpublish(name: string): boolean {
    const ref = this.exported.get(name);
    if (ref === undefined) return false;
    this.exported.delete(name);
    memdescPut(ref);
    return true;
  }

  /** Takes the table's reference back, and ownership if no importer holds one. */
  reclaim(name: string): ShOwned | null {
    const ref = this.exported.get(name);
    if (ref === undefined) return null;
    this.exported.delete(name);
    const r = tryFromShared(ref);
    if (r.unique) return r;
    memdescPut(r);
    return null;
  }

  destroy(): void {
    for (const name of [...this.exported.keys()]) this.unpublish(name);
  }
}

/** An importer that holds references by handle id. */
export class Importer {
  readonly held = new Map<number, ShRef>();
  private next = 1;
  hold(ref: ShRef): number {
    const id = this.next++;
    this.held.set(id, ref);
    return id;
  }
  get(id: number): ShRef | null {
    return this.held.get(id) ?? null;
  }
  drop(id: number): void {
    const ref = this.held.get(id);
    if (ref === undefined) return;
    this.held.delete(id);
    memdescPut(ref);
  }
  dropAll(): void {
    for (const id of [...this.held.keys()]) this.drop(id);
  }
}

export function refs(buf: ShOwned | ShRef): number {
  return memdescRefCount(buf);
}

/** Frees a buffer the caller owns uniquely. */
export function shbufFree(buf: ShOwned): void {
  memdescFree(buf);
}
