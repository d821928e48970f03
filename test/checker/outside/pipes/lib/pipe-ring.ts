// A pipe buffer ring: each slot holds one counted folio reference plus offset/len.
import {
  folioAlloc, folioGet, folioLock, folioUnlock, folioPut, folioPage, writeRaw, readRaw, GFP_KERNEL,
  type ARef, type Folio, type Memory,
} from 'memdesc';

export interface PipeBuffer {
  folio: ARef<Folio<0>>;
  offset: number;
  len: number;
}

export class PipeRing {
  private slots: (PipeBuffer | undefined)[];
  private head = 0;
  private tail = 0;
  constructor(readonly mem: Memory, readonly size = 16) {
    this.slots = new Array<PipeBuffer | undefined>(size).fill(undefined);
  }

  get occupancy(): number {
    return this.head - this.tail;
  }

  full(): boolean {
    return this.occupancy >= this.size;
  }

  /** Push a buffer; the ring takes over the reference. Returns false when full (caller keeps it). */
  push(buf: PipeBuffer): boolean {
    if (this.full()) return false;
    this.slots[this.head % this.size] = buf;
    this.head++;
    return true;
  }

  /** Pop the oldest buffer; the caller now owns its reference. */
  pop(): PipeBuffer | undefined {
    if (this.occupancy === 0) return undefined;
    const i = this.tail % this.size;
    const buf = this.slots[i];
    this.slots[i] = undefined;
    this.tail++;
    return buf;
  }

  /** pipe_release(): drop every reference still queued. */
  release(): void {
    for (let b = this.pop(); b !== undefined; b = this.pop()) folioPut(b.folio);
  }
}

/** Allocate a fresh page-backed buffer holding `data` (anon_pipe_write). */
export function newPipeBuffer(mem: Memory, data: Uint8Array): PipeBuffer | null {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return null;
  const locked = folioLock(folio);
  writeRaw(locked, data, 0);
  folioUnlock(locked);
  return { folio, offset: 0, len: data.length };
}

/** Duplicate a buffer for tee(): a second counted reference to the same folio. */
export function dupPipeBuffer(buf: PipeBuffer): PipeBuffer {
  return { folio: folioGet(buf.folio), offset: buf.offset, len: buf.len };
}

/** Copy a buffer's bytes out (pipe_read). */
export function readPipeBuffer(buf: PipeBuffer): Uint8Array {
  const out = new Uint8Array(buf.len);
  readRaw(folioPage(buf.folio, 0), out, buf.offset);
  return out;
}
