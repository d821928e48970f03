// A vhost-like worker: descriptors from a guest ring are copied into host pages, asynchronously.
import {
  allocPage, freePage, kmalloc, kfree, writeRaw, readRaw,
  GFP_KERNEL, type Memory, type Owned, type Page, type KmallocPtr,
} from 'memdesc';

export type HostPage = Owned<Page<0>>;
export type DescBuf = KmallocPtr<'slab'>;

export interface GuestDesc {
  readonly id: number;
  readonly len: number;
  readonly data: Uint8Array;
}

/** The guest's ring: descriptors it made available. */
export class GuestRing {
  private readonly avail: GuestDesc[] = [];
  readonly used: number[] = [];
  push(d: GuestDesc): void {
    this.avail.push(d);
  }
  pop(): GuestDesc | undefined {
    return this.avail.shift();
  }
  get pending(): number {
    return this.avail.length;
  }
}

/** The device's "DMA": completes a little later. */
export function deviceTransfer(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}

export function makeRing(n: number): GuestRing {
  const ring = new GuestRing();
  for (let i = 0; i < n; i++) ring.push({ id: i, len: 16, data: new Uint8Array(16).fill(i + 1) });
  return ring;
}

/** A host page holding one copied descriptor. */
export function copyToHost(mem: Memory, d: GuestDesc): HostPage | null {
  const p = allocPage(mem, GFP_KERNEL);
  if (p === null) return null;
  writeRaw(p, d.data, 0);
  return p;
}

/** A small kmalloc'd header for a descriptor. */
export function descHeader(mem: Memory, d: GuestDesc): DescBuf | null {
  const h = kmalloc(mem, 32, GFP_KERNEL);
  if (h === null) return null;
  writeRaw(h, new Uint8Array([d.id, d.len]), 0);
  return h;
}

export function headerId(h: DescBuf): number {
  const b = new Uint8Array(1);
  readRaw(h, b, 0);
  return b[0] ?? 0;
}

export function releaseHost(p: HostPage): void {
  freePage(p);
}

export function releaseHeader(h: DescBuf): void {
  kfree(h);
}
