/**
 * Zero-copy rx: a buffer is shared with the socket only for large frames; otherwise the owner frees it.
 *
 * Kernel: MSG_ZEROCOPY rx hands large frames' buffers to the socket instead of copying.
 * Protocol: intoShared() moves the Owned buffer into the socket's reference on the
 * zero-copy path; the owner frees it only on the path where it was not moved.
 * The socket's put of its reference is the last one and frees the buffer.
 */
import { defineMemdesc, intoShared, memdescAlloc, memdescFree, memdescPut, GFP_KERNEL, type Memory } from 'memdesc';

const ZcBuf = defineMemdesc({ name: 'nic_zc_buf', ownable: true, refcounted: true });

export function run(mem: Memory): void {
  const buf = memdescAlloc(mem, ZcBuf, GFP_KERNEL);
  if (buf === null) return;
  const frameLen = 9000;
  if (frameLen > 4096) {
    const toSocket = intoShared(buf); // moves buf on the zero-copy path
    memdescPut(toSocket); // the socket consumed it
  } else {
    memdescFree(buf);
  }
}
