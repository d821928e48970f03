/** Pages handed to a flow Map are owned by it: the teardown frees each entry once and clears the Map. */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

class FlowTable {
  private readonly flows = new Map<number, Owned<Page<0>>>();

  open(mem: Memory, id: number): boolean {
    const p = allocPage(mem, GFP_KERNEL);
    if (p === null) return false;
    this.flows.set(id, p);
    return true;
  }

  append(id: number, bytes: Uint8Array): void {
    const p = this.flows.get(id);
    if (p !== undefined) writeRaw(p, bytes, 0);
  }

  flush(): void {
    for (const p of this.flows.values()) freePage(p);
    this.flows.clear();
  }
}

export function run(mem: Memory): void {
  const table = new FlowTable();
  for (let id = 0; id < 4; id++) table.open(mem, id);
  table.append(2, new Uint8Array([9]));
  table.flush();
  table.flush(); // idempotent: the Map is empty
}
