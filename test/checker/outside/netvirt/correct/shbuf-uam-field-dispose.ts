import { intoShared, memdescFree, memdescPut, memdescAlloc, GFP_KERNEL, type Memory } from 'memdesc';
import { BigShBuf } from '../lib/shbuf.js';

type BigOwned = NonNullable<ReturnType<typeof allocBig>>;
function allocBig(mem: Memory) {
  return memdescAlloc(mem, BigShBuf, GFP_KERNEL);
}

/** A capture stream: owns its frame buffer until it is shared with the encoder. */
class CaptureStream {
  shared: ReturnType<typeof intoShared<BigOwned>> | null = null;
  frame: BigOwned | null;
  constructor(frame: BigOwned) {
    this.frame = frame;
  }
  share(): void {
    if (this.frame === null) return;
    this.shared = intoShared(this.frame);
    this.frame = null;
  }
  dispose(): void {
    if (this.shared !== null) memdescPut(this.shared);
    if (this.frame !== null) memdescFree(this.frame);
  }
}

export function run(mem: Memory): void {
  const frame = allocBig(mem);
  if (frame === null) return;
  const stream = new CaptureStream(frame);
  stream.share();
  stream.dispose();
}
