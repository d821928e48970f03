/** A kmalloc'd message is released (helper in another module) while the slab page under it is mapped; it is the slab's last object. */
import { virtToPage, withPageMapped, type Memory } from 'memdesc';
import { fillMsg, newMsg, releaseMsg } from '../lib/msg.js';

export function run(mem: Memory): void {
  const msg = newMsg(mem, 256);
  if (msg === null) return;
  fillMsg(msg, new Uint8Array([1, 2, 3]));
  withPageMapped(virtToPage(msg), (view) => {
    console.assert(view.length > 0);
    releaseMsg(msg); // expect: free-while-mapped
  });
}
