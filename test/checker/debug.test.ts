import { it } from 'vitest';
import { analyse } from './harness.js';
it('debug', () => {
  const r = analyse({ 'd.ts': `import { allocPage, freePage, folioAlloc, folioGet, folioPut, GFP_KERNEL, type Owned, type Page, type Memory, type ARef, type Folio } from 'memdesc';
export class Pool {
  private readonly free = new Map<number, ARef<Folio>>();
  private next = 0;
  constructor(private readonly mem: Memory) {}
  get(): [number, ARef<Folio>] | null {
    const f = folioAlloc(this.mem, GFP_KERNEL, 0);
    if (!f) return null;
    const id = this.next++;
    this.free.set(id, folioGet(f));
    return [id, f];
  }
}
export function mapValues(mem: Memory): void {
  const m = new Map<string, Owned<Page<0>>>();
  m.set('a', allocPage(mem, GFP_KERNEL)!);
  m.set('b', allocPage(mem, GFP_KERNEL)!);
  for (const p of m.values()) freePage(p);
  m.clear();
}
` });
  console.log(r.errors, r.findings.map((f) => `${f.line} ${f.rule} ${f.message.slice(0, 150)}`));
});
