/** A GEM object shares its buffer on export but keeps the moved Owned handle in its field for close(). */
import { defineMemdesc, intoShared, memdescAlloc, memdescFree, memdescPut, GFP_KERNEL, type ARef, type InstanceOf, type Memory, type Owned } from 'memdesc';

const PrimeBuf = defineMemdesc({ name: 'prime_buf', ownable: true, refcounted: true });
type Prime = InstanceOf<typeof PrimeBuf>;

class GemObject {
  private owned: Owned<Prime> | null;
  private shared: ARef<Prime> | null = null;

  constructor(owned: Owned<Prime>) {
    this.owned = owned;
  }

  export(): void {
    if (this.owned !== null) this.shared = intoShared(this.owned);
  }

  close(): void {
    if (this.shared !== null) memdescPut(this.shared);
    this.shared = null;
    if (this.owned !== null) memdescFree(this.owned); // expect-also: use-after-move
    this.owned = null;
  }
}

export function run(mem: Memory): void {
  const o = memdescAlloc(mem, PrimeBuf, GFP_KERNEL);
  if (o === null) return;
  const gem = new GemObject(o);
  gem.export();
  gem.close(); // expect: use-after-move
}
