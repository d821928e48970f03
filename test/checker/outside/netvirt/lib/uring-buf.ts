// io_uring-like registered buffers (io_uring/rsrc.c, simplified): the buffer table is vmalloc'd,
// and each registered buffer pins the user's folio with a reference of its own.
import {
  vmalloc,
  vfree,
  readRaw,
  writeRaw,
  folioGet,
  folioPut,
  folioPfn,
  type ARef,
  type Folio,
  type Memory,
  type VmallocArea,
  type Borrowed,
} from 'memdesc';

export type UserFolio = ARef<Folio<0>>;

const ENTRY = 16;

export class BufRing {
  /** The vmalloc'd table of (pfn, len) entries the fast path reads. */
  table: VmallocArea;
  capacity: number;
  /** Pinned folios by buffer index: each entry is a reference the ring holds. */
  readonly pins = new Map<number, UserFolio>();

  private constructor(
    readonly mem: Memory,
    table: VmallocArea,
    capacity: number,
  ) {
    this.table = table;
    this.capacity = capacity;
  }

  static create(mem: Memory, capacity: number): BufRing | null {
    const table = vmalloc(mem, capacity * ENTRY);
    if (table === null) return null;
    return new BufRing(mem, table, capacity);
  }

  /** io_sqe_buffer_register(): pins the folio (a new reference) into slot idx. */
  register(idx: number, folio: UserFolio | Borrowed<Folio<0>>, len: number): boolean {
    if (idx >= this.capacity || this.pins.has(idx)) return false;
    const pin = folioGet(folio);
    this.pins.set(idx, pin);
    this.writeEntry(idx, folioPfn(pin), len);
    return true;
  }

  /** Drops the ring's pin of slot idx. */
  unregister(idx: number): boolean {
    const pin = this.pins.get(idx);
    if (pin === undefined) return false;
    this.pins.delete(idx);
    this.writeEntry(idx, 0, 0);
    folioPut(pin);
    return true;
  }

  /** Hands slot idx's pin to the caller (a fixed-buffer request takes it over). */
  take(idx: number): UserFolio | null {
    const pin = this.pins.get(idx);
    if (pin === undefined) return null;
    this.pins.delete(idx);
    this.writeEntry(idx, 0, 0);
    return pin;
  }

  /** The ring's own pin, for a read during a request: not a new reference. */
  lookup(idx: number): UserFolio | null {
    return this.pins.get(idx) ?? null;
  }

  /** Grows the table: a new vmalloc area, entries copied, the old one vfree'd. */
  resize(capacity: number): boolean {
    const next = vmalloc(this.mem, capacity * ENTRY);
    if (next === null) return false;
    const tmp = new Uint8Array(Math.min(capacity, this.capacity) * ENTRY);
    readRaw(this.table, tmp, 0);
    writeRaw(next, tmp, 0);
    vfree(this.table);
    this.table = next;
    this.capacity = capacity;
    return true;
  }

  readEntry(idx: number): number {
    const e = new Uint8Array(ENTRY);
    readRaw(this.table, e, idx * ENTRY);
    return new DataView(e.buffer).getUint32(0, true);
  }

  private writeEntry(idx: number, pfn: number, len: number): void {
    const e = new Uint8Array(ENTRY);
    const dv = new DataView(e.buffer);
    dv.setUint32(0, pfn, true);
    dv.setUint32(4, len, true);
    writeRaw(this.table, e, idx * ENTRY);
  }

  /** io_sqe_buffers_unregister() + table free. */
  destroy(): void {
    for (const idx of [...this.pins.keys()]) this.unregister(idx);
    vfree(this.table);
  }
}

/** Copies len bytes out of a pinned folio (the fixed-buffer read path). */
export function copyFromPinned(pin: UserFolio | Borrowed<Folio<0>>, len: number): Uint8Array {
  const out = new Uint8Array(len);
  readRaw(pin, out, 0);
  return out;
}
