/** A class holds a folio reference in a field and puts it in `close()`; the owner reads the field before closing. */
import { folioAlloc, folioPut, folioRefCount, GFP_KERNEL, type ARef, type Folio, type Memory } from 'memdesc';

class FolioDev {
  folio: ARef<Folio<0>>;

  constructor(mem: Memory) {
    const folio = folioAlloc(mem, GFP_KERNEL, 0);
    if (folio === null) throw new Error('ENOMEM');
    this.folio = folio;
  }

  close(): void {
    folioPut(this.folio);
  }
}

export function run(mem: Memory): void {
  const dev = new FolioDev(mem);
  const refs = folioRefCount(dev.folio);
  dev.close();
  console.assert(refs === 1);
}
