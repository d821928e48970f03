import { folioAlloc, folioGet, folioPut, folioRefCount, GFP_KERNEL, type Memory, type ARef, type Folio } from 'memdesc';

class Cache {
  private readonly entries = new Map<string, ARef<Folio<0>>>();
  add(key: string, f: ARef<Folio<0>>): void {
    const old = this.entries.get(key);
    this.entries.set(key, f);
    if (old) folioPut(old);
  }
  lookup(key: string): ARef<Folio<0>> | null {
    const f = this.entries.get(key);
    return f ? folioGet(f) : null;
  }
  clear(): void {
    for (const f of this.entries.values()) folioPut(f);
    this.entries.clear();
  }
}

export function run(mem: Memory): void {
  const c = new Cache();
  const f = folioAlloc(mem, GFP_KERNEL, 0);
  if (!f) return;
  c.add('a', f);
  const r = c.lookup('a');
  if (r) {
    folioRefCount(r);
    folioPut(r);
  }
  const g = folioAlloc(mem, GFP_KERNEL, 0);
  if (g) c.add('a', g);
  c.clear();
}
