// BPF-ringbuf-like map: a vmalloc'd data area with reserve/commit/discard, released on map free.
import { vmalloc, vfree, writeRaw, readRaw, GFP_KERNEL, PAGE_SIZE, type Memory, type VmallocArea } from 'memdesc';

interface Record {
  offset: number;
  len: number;
}

class RingBuf {
  private producerPos = 0;
  private consumerPos = 0;
  constructor(readonly data: VmallocArea, readonly size: number) {}

  reserve(len: number): Record | null {
    const total = len + 8;
    if (this.producerPos - this.consumerPos + total > this.size) return null;
    const rec = { offset: this.producerPos % this.size, len };
    this.producerPos += total;
    return rec;
  }

  commit(rec: Record, payload: Uint8Array): void {
    const hdr = new Uint8Array(8);
    new DataView(hdr.buffer).setUint32(0, rec.len, true);
    writeRaw(this.data, hdr, rec.offset);
    writeRaw(this.data, payload.subarray(0, rec.len), rec.offset + 8);
  }

  discard(rec: Record): void {
    const hdr = new Uint8Array(8);
    new DataView(hdr.buffer).setUint32(0, 0x80000000 | rec.len, true); // BPF_RINGBUF_DISCARD_BIT
    writeRaw(this.data, hdr, rec.offset);
  }

  consume(): number {
    const hdr = new Uint8Array(8);
    readRaw(this.data, hdr, this.consumerPos % this.size);
    const len = new DataView(hdr.buffer).getUint32(0, true) & 0x7fffffff;
    this.consumerPos += len + 8;
    return len;
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function traceEvent(rb: RingBuf, msg: string): Promise<void> {
  const payload = new TextEncoder().encode(msg);
  const rec = rb.reserve(payload.length);
  if (rec === null) return;
  await tick(); // the program fills in the event (bpf_probe_read etc.)
  rb.commit(rec, payload);
}

export async function run(mem: Memory): Promise<void> {
  const data = vmalloc(mem, PAGE_SIZE, GFP_KERNEL);
  if (data === null) return;
  const rb = new RingBuf(data, PAGE_SIZE);
  const early = rb.reserve(16);
  if (early !== null) rb.discard(early);
  rb.consume();
  const inflight = [traceEvent(rb, 'sched_switch'), traceEvent(rb, 'sys_enter')];
  // wait for running programs before releasing the map
  await Promise.all(inflight);
  vfree(data);
}
