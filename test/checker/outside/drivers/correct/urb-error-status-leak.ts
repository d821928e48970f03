// usb: in-flight URBs are tracked by id; the completion handler retires them.
import { type Memory } from 'memdesc';
import { Hcd, urbAllocBuffer, urbFreeBuffer, type Urb } from '../lib/urb.js';

export async function run(mem: Memory): Promise<number> {
  const hcd = new Hcd();
  const inflight = new Map<number, Urb>();
  let errors = 0;
  const complete = (u: Urb): void => {
    if (u.status !== 0 || u.id === 2) {
      errors++;
      inflight.delete(u.id);
      urbFreeBuffer(u.buf);
      return;
    }
    inflight.delete(u.id);
    urbFreeBuffer(u.buf);
  };
  for (let id = 1; id <= 3; id++) {
    const buf = urbAllocBuffer(mem, 64);
    if (!buf) break;
    const urb: Urb = { id, buf, status: -115, complete };
    inflight.set(id, urb);
    hcd.submit(urb);
  }
  await hcd.giveback();
  return errors;
}
