/**
 * An extent tree: the index level is a page-table-like block (a ptdesc), the leaves are the
 * driver's own memdesc, ownable and refcounted so a leaf can be shared by a snapshot (reflink).
 */
import {
  defineMemdesc, memdescAlloc, memdescFree, memdescPut, memdescGet, memdescAddress, memdescRefCount,
  intoShared, tryFromShared, pagetableAlloc, pagetableFree, ptdescAddress, writeRaw, readRaw, GFP_KERNEL,
  type Memory, type Owned, type ARef, type PtDesc, type AllocatedHandle, type InstanceOf,
} from 'memdesc';

export const ExtentLeaf = defineMemdesc({ name: 'extent_leaf', ownable: true, refcounted: true });
export type LeafOwned = AllocatedHandle<typeof ExtentLeaf>;
export type LeafRef = ARef<InstanceOf<typeof ExtentLeaf>>;
export type Leaf = LeafOwned | LeafRef;

export function allocLeaf(mem: Memory, start: number): LeafOwned | null {
  const leaf = memdescAlloc(mem, ExtentLeaf, GFP_KERNEL);
  if (leaf === null) return null;
  writeRaw(memdescAddress(leaf), new Uint8Array([start & 0xff]), 0);
  return leaf;
}

export function leafStart(leaf: Leaf): number {
  const b = new Uint8Array(1);
  readRaw(memdescAddress(leaf), b, 0);
  return b[0]!;
}

/** Drops a leaf, whichever handle it is. */
export function dropLeaf(leaf: Leaf, shared: boolean): void {
  if (shared) memdescPut(leaf as LeafRef);
  else memdescFree(leaf as LeafOwned);
}

export class ExtentTree {
  readonly index: Owned<PtDesc<0>>;
  private readonly owned = new Map<number, LeafOwned>();
  private readonly shared = new Map<number, LeafRef>();

  private constructor(index: Owned<PtDesc<0>>) {
    this.index = index;
  }

  static create(mem: Memory): ExtentTree | null {
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0);
    return pt === null ? null : new ExtentTree(pt);
  }

  /** Inserts an owned leaf; the tree owns it. */
  insert(lblk: number, leaf: LeafOwned): void {
    this.owned.set(lblk, leaf);
    writeRaw(ptdescAddress(this.index), new Uint8Array([1]), lblk & 0xfff);
  }

  has(lblk: number): boolean {
    return this.owned.has(lblk) || this.shared.has(lblk);
  }

  /** Shares a leaf with a snapshot: returns the snapshot's reference; the tree keeps its own. */
  share(lblk: number): LeafRef | null {
    const o = this.owned.get(lblk);
    if (o) {
      this.owned.delete(lblk);
      const r = intoShared(o);
      this.shared.set(lblk, r);
      return memdescGet(r);
    }
    const s = this.shared.get(lblk);
    return s ? memdescGet(s) : null;
  }

  /** Takes a leaf out of the tree; the caller owns (or holds a reference to) it. */
  remove(lblk: number): { leaf: Leaf; shared: boolean } | undefined {
    const o = this.owned.get(lblk);
    if (o) {
      this.owned.delete(lblk);
      return { leaf: o, shared: false };
    }
    const s = this.shared.get(lblk);
    if (s) {
      this.shared.delete(lblk);
      return { leaf: s, shared: true };
    }
    return undefined;
  }

  /** Turns a shared leaf back into an owned one once the snapshot is gone. */
  unshare(lblk: number): boolean {
    const s = this.shared.get(lblk);
    if (!s) return false;
    this.shared.delete(lblk);
    const back = tryFromShared(s);
    if (back.unique) {
      this.owned.set(lblk, back);
      return true;
    }
    this.shared.set(lblk, back);
    return false;
  }

  refCount(lblk: number): number {
    const s = this.shared.get(lblk);
    return s ? memdescRefCount(s) : this.owned.has(lblk) ? 1 : 0;
  }

  destroy(): void {
    for (const l of this.owned.values()) memdescFree(l);
    for (const r of this.shared.values()) memdescPut(r);
    this.owned.clear();
    this.shared.clear();
    pagetableFree(this.index);
  }
}
