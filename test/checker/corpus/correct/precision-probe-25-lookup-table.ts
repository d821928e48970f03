import { kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';

interface Session {
  id: number;
  buf: KmallocPtr | null;
}

class Sessions {
  private readonly byId = new Map<number, Session>();
  open(mem: Memory, id: number): Session | null {
    const buf = kmalloc(mem, 128, GFP_KERNEL);
    if (!buf) return null;
    const s: Session = { id, buf };
    this.byId.set(id, s);
    return s;
  }
  close(id: number): void {
    const s = this.byId.get(id);
    if (!s) return;
    this.byId.delete(id);
    if (s.buf) kfree(s.buf);
    s.buf = null;
  }
  closeAll(): void {
    for (const id of [...this.byId.keys()]) this.close(id);
  }
}

export function run(mem: Memory): void {
  const t = new Sessions();
  const a = t.open(mem, 1);
  t.open(mem, 2);
  if (a?.buf) writeRaw(a.buf, new Uint8Array([1]), 0);
  t.close(1);
  t.close(1);
  t.closeAll();
}
