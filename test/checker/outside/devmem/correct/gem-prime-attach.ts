// PRIME import: a dma-buf attachment gets its backing folios when it is attached; mapping it
// for the device only flags it. Closing the fd tears the attachment down.
import { folioAlloc, folioPut, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { type BackingFolio } from '../lib/gem.js';

interface Attachment {
  fd: number;
  sgt: BackingFolio[];
  mapped: boolean;
}

function attach(mem: Memory, fd: number, nrPages: number): Attachment | null {
  const sgt: BackingFolio[] = [];
  for (let i = 0; i < nrPages; i++) {
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (f === null) {
      for (const g of sgt) folioPut(g);
      return null;
    }
    sgt.push(f);
  }
  return { fd, sgt, mapped: false };
}

function detach(att: Attachment): void {
  for (const f of att.sgt) folioPut(f);
  att.sgt = [];
  att.mapped = false;
}

function closeFd(attachments: Map<number, Attachment>, fd: number): void {
  const att = attachments.get(fd);
  if (att === undefined) return;
  detach(att); // the folios came with the attachment, mapped or not
  attachments.delete(fd);
}

export function run(mem: Memory): number {
  const attachments = new Map<number, Attachment>();
  for (const fd of [5, 6, 7]) {
    const att = attach(mem, fd, 2);
    if (att !== null) attachments.set(fd, att);
  }
  const first = attachments.get(5);
  if (first !== undefined) first.mapped = true; // dma_buf_map_attachment()
  const probe = new Uint8Array(1);
  for (const f of first?.sgt ?? []) readRaw(f, probe, 0);

  closeFd(attachments, 6); // never mapped
  closeFd(attachments, 5);
  for (const fd of [...attachments.keys()]) closeFd(attachments, fd);
  return attachments.size;
}
