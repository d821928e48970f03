// An RDMA-like memory region (ib_reg_mr / ib_dereg_mr): the MR descriptor is a driver memdesc that
// is owned while it is being set up and shared (refcounted) once published in the lkey table, so
// that in-flight work requests keep it alive until their completion has been delivered.
import {
  defineMemdesc, memdescAlloc, memdescGet, memdescPut, memdescFree, memdescPage, tryFromShared,
  folioAlloc, folioPut, writeRaw, readRaw, GFP_KERNEL,
  type Memory, type Owned, type ARef, type Folio, type InstanceOf,
} from 'memdesc';

export const MrDesc = defineMemdesc({ name: 'rdma_mr', ownable: true, refcounted: true });
export type Mr = InstanceOf<typeof MrDesc>;
export type OwnedMr = Owned<Mr>;
export type SharedMr = ARef<Mr>;

export interface MrPins {
  folios: ARef<Folio<0>>[];
}

/** Allocates the MR descriptor (process context). */
export function allocMr(mem: Memory, lkey: number): OwnedMr | null {
  const mr = memdescAlloc(mem, MrDesc, GFP_KERNEL);
  if (mr === null) return null;
  const hdr = new Uint8Array(4);
  new DataView(hdr.buffer).setUint32(0, lkey, true);
  writeRaw(memdescPage(mr, 0), hdr, 0);
  return mr;
}

export function mrKey(mr: OwnedMr | SharedMr): number {
  const hdr = new Uint8Array(4);
  readRaw(memdescPage(mr, 0), hdr, 0);
  return new DataView(hdr.buffer).getUint32(0, true);
}

/** pin_user_pages(): the user buffer's folios, one reference each. */
export function pinUserPages(mem: Memory, nr: number): MrPins | null {
  const pins: MrPins = { folios: [] };
  for (let i = 0; i < nr; i++) {
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (f === null) {
      unpinUserPages(pins);
      return null;
    }
    pins.folios.push(f);
  }
  return pins;
}

export function unpinUserPages(pins: MrPins): void {
  for (const f of pins.folios) folioPut(f);
  pins.folios = [];
}

/** The lkey table: each entry holds one reference. */
export class MrTable {
  readonly entries = new Map<number, { mr: SharedMr; pins: MrPins }>();

  publish(lkey: number, mr: SharedMr, pins: MrPins): void {
    this.entries.set(lkey, { mr, pins });
  }

  /** A new reference for a work request (ib_post_send takes one). */
  lookup(lkey: number): SharedMr | null {
    const e = this.entries.get(lkey);
    return e === undefined ? null : memdescGet(e.mr);
  }

  /** Removes the entry; the caller now holds its reference and its pins. */
  take(lkey: number): { mr: SharedMr; pins: MrPins } | null {
    const e = this.entries.get(lkey);
    if (e === undefined) return null;
    this.entries.delete(lkey);
    return e;
  }
}

/** Drops one reference; when it was the last one, takes the MR back as owned and frees it. */
export function mrRelease(ref: SharedMr): boolean {
  const back = tryFromShared(ref);
  if (back.unique) {
    memdescFree(back);
    return true;
  }
  memdescPut(back);
  return false;
}

export interface Completion {
  wrId: number;
  lkey: number;
  status: 'ok' | 'flushed';
}

/** The completion queue: completions arrive later, from the "hardware". */
export class CompletionQueue {
  private pending: Completion[] = [];
  post(c: Completion): void {
    this.pending.push(c);
  }
  async poll(): Promise<Completion[]> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
