/** A GEM object shares its buffer on export and clears the moved Owned handle from its field. */
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
    const o = this.owned;
    this.owned = null;
    if (o !== null) this.shared = intoShared(o);
  }

  close(): void {
    if (this.shared !== null) memdescPut(this.shared);
    this.shared = null;
    if (this.owned !== null) memdescFree(this.owned);
    this.owned = null;
  }
}

export function run(mem: Memory): void {
  const o = memdescAlloc(mem, PrimeBuf, GFP_KERNEL);
  if (o === null) return;
  const gem = new GemObject(o);
  gem.export();
  gem.close();
}
