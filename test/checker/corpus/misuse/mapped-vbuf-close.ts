/** A vmalloc buffer (class in another module) is closed from inside the callback that has its first page mapped. */
import { vmallocToPage, withPageMapped, type Memory } from 'memdesc';
import { VBuf } from '../lib/vbuf.js';

export function run(mem: Memory): void {
  const buf = new VBuf(mem, 8192);
  buf.write(0, new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
  const isElf = withPageMapped(vmallocToPage(buf.area), (view) => {
    const ok = view[0] === 0x7f && view[1] === 0x45;
    buf.close(); // expect: free-while-mapped
    return ok;
  });
  console.assert(isElf);
}
