/** A vmalloc buffer (class in another module) is checked while its first page is mapped and closed after. */
import { vmallocToPage, withPageMapped, type Memory } from 'memdesc';
import { VBuf } from '../lib/vbuf.js';

export function run(mem: Memory): void {
  const buf = new VBuf(mem, 8192);
  buf.write(0, new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
  const isElf = withPageMapped(vmallocToPage(buf.area), (view) => {
    const ok = view[0] === 0x7f && view[1] === 0x45;
    return ok;
  });
  buf.close();
  console.assert(isElf);
}
