import { intoShared, memdescFree, memdescPut, memdescAlloc, GFP_KERNEL, type Memory } from 'memdesc';
import { BigShBuf } from '../lib/shbuf.js';

type BigOwned = NonNullable<ReturnType<typeof allocBig>>;
function allocBig(mem: Memory) {
  return memdescAlloc(mem, BigShBuf, GFP_KERNEL);
}

/** A capture stream: owns its frame buffer until it is shared with the encoder. */
class CaptureStream {
  shared: ReturnType<typeof intoShared<BigOwned>> | null = null;
  constructor(public frame: BigOwned) {}
  share(): void {
    this.shared = intoShared(this.frame);
  }
  dispose(): void {
    if (this.shared !== null) memdescPut(this.shared);
    memdescFree(this.frame); // expect: use-after-move
  }
}

export function run(mem: Memory): void {
  const frame = allocBig(mem);
  if (frame === null) return;
  const stream = new CaptureStream(frame);
  stream.share();
  stream.dispose();
}
