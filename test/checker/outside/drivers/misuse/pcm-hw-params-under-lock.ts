// PCM hw_params: the period size changed, so the ring buffer is replaced under the stream lock.
import { spinLockInit, withSpinLock, type Memory, type VmallocArea } from 'memdesc';
import { pcmBufferAlloc, pcmBufferFree, pcmFillSilence } from '../lib/pcm.js';

interface Substream { buffer: VmallocArea | null; periods: number }

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'pcm_stream_lock');
  const ss: Substream = { buffer: pcmBufferAlloc(mem), periods: 0 };
  const old = withSpinLock(lock, () => {
    const next = pcmBufferAlloc(mem); // expect: sleep-in-atomic
    if (!next) return null;
    const prev = ss.buffer;
    ss.buffer = next;
    return prev;
  });
  if (old) pcmBufferFree(old);
  if (ss.buffer) {
    ss.periods = pcmFillSilence(ss.buffer);
    pcmBufferFree(ss.buffer);
    ss.buffer = null;
  }
}
