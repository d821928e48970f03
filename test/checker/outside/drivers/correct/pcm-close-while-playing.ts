// PCM playback: a period timer writes one period per tick; close() may come at any time.
import { vmallocPageIter, withPageMapped, type Memory, type VmallocArea } from 'memdesc';
import { pcmBufferAlloc, pcmBufferFree, PERIODS } from '../lib/pcm.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function playback(area: VmallocArea, periods: number): Promise<number> {
  let written = 0;
  for (const page of vmallocPageIter(area)) {
    if (written === periods) break;
    await tick();
    withPageMapped(page, (view) => { view.fill(0x80, 0, 256); });
    written++;
  }
  return written;
}

export async function run(mem: Memory): Promise<number> {
  const area = pcmBufferAlloc(mem);
  if (!area) return -12;
  const stream = playback(area, PERIODS);
  const written = await stream;
  pcmBufferFree(area);
  return written;
}
