/** A two-level IOMMU page table for a GPU/NIC: a root table and leaf tables, all ptdescs. */
import { pagetableAlloc, pagetableFree, ptdescAddress, readRaw, writeRaw, GFP_KERNEL, type Memory, type Owned, type PtDesc, type Live } from 'memdesc';

export const LEAF_SPAN = 512;

export class IoPgtable {
  readonly leaves = new Map<number, Owned<PtDesc<0>>>();

  private constructor(
    readonly mem: Memory,
    readonly root: Owned<PtDesc<0>>,
  ) {}

  static create(mem: Memory): IoPgtable | null {
    const root = pagetableAlloc(mem, GFP_KERNEL, 0);
    return root === null ? null : new IoPgtable(mem, root);
  }

  /** iommu_map(): allocates the leaf table if missing (GFP_KERNEL: may sleep) and writes the entry. */
  map(iova: number, pfn: number): boolean {
    const dir = Math.floor(iova / LEAF_SPAN);
    let leaf = this.leaves.get(dir);
    if (leaf === undefined) {
      const fresh = pagetableAlloc(this.mem, GFP_KERNEL, 0);
      if (fresh === null) return false;
      this.leaves.set(dir, fresh);
      writeSlot(this.root, dir % LEAF_SPAN, dir + 1);
      leaf = fresh;
    }
    writeSlot(leaf, iova % LEAF_SPAN, pfn + 1);
    return true;
  }

  /** iommu_unmap(): clears the entry; an empty leaf table is freed. */
  unmap(iova: number): void {
    const dir = Math.floor(iova / LEAF_SPAN);
    const leaf = this.leaves.get(dir);
    if (leaf === undefined) return;
    writeSlot(leaf, iova % LEAF_SPAN, 0);
    if (leafEmpty(leaf)) {
      this.leaves.delete(dir);
      writeSlot(this.root, dir % LEAF_SPAN, 0);
      pagetableFree(leaf);
    }
  }

  /** The leaf table covering iova, lent (the page table owns it). */
  leafOf(iova: number): Owned<PtDesc<0>> | undefined {
    return this.leaves.get(Math.floor(iova / LEAF_SPAN));
  }

  destroy(): void {
    for (const leaf of this.leaves.values()) pagetableFree(leaf);
    this.leaves.clear();
    pagetableFree(this.root);
  }
}

export function writeSlot(table: PtDesc & Live, index: number, value: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  writeRaw(ptdescAddress(table), b, index * 4);
}

export function readSlot(table: PtDesc & Live, index: number): number {
  const b = new Uint8Array(4);
  readRaw(ptdescAddress(table), b, index * 4);
  return new DataView(b.buffer).getUint32(0, true);
}

export function leafEmpty(table: PtDesc & Live): boolean {
  for (let i = 0; i < LEAF_SPAN; i++) if (readSlot(table, i) !== 0) return false;
  return true;
}

/** Frees a table the caller owns. */
export function freeTable(table: Owned<PtDesc<0>> & Live): void {
  pagetableFree(table);
}
