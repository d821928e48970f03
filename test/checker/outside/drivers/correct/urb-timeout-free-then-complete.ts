// usb bulk read with a timeout: on timeout the driver frees the transfer buffer,
// but the URB is still queued on the host controller.
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { Hcd, urbAllocBuffer, urbFreeBuffer, type Urb } from '../lib/urb.js';

export async function run(mem: Memory): Promise<number> {
  const hcd = new Hcd();
  const buf = urbAllocBuffer(mem, 512);
  if (!buf) return -12;
  let received = 0;
  const urb: Urb = {
    id: 1, buf, status: -115,
    complete: (u) => {
      const hdr = new Uint8Array(8);
      readRaw(u.buf, hdr, 0);
      received = hdr[0] ?? 0;
    },
  };
  writeRaw(buf, new Uint8Array(8).fill(7), 0);
  hcd.submit(urb);
  const timedOut = true; // the device did not answer within the timeout
  if (timedOut && hcd.unlink(urb)) {
    urbFreeBuffer(urb.buf);
    return -110;
  }
  await hcd.giveback();
  urbFreeBuffer(urb.buf);
  return received;
}
