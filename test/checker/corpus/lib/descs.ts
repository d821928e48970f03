/** The driver's own memdesc types, defined once at module level (`defineMemdesc`). */
import { defineMemdesc, intoShared, memdescAlloc, memdescFree, GFP_KERNEL, type ARef, type InstanceOf, type Memory, type Owned } from 'memdesc';

/** Binder's page: one owner, no refcount. */
export const BinderPage = defineMemdesc({ name: 'corpus_binder_page', ownable: true });
/** A buffer built by one owner, then shared (OwnableRefCounted). */
export const SharedBuf = defineMemdesc({ name: 'corpus_shared_buf', ownable: true, refcounted: true });
/** A plain refcounted buffer. */
export const RefBuf = defineMemdesc({ name: 'corpus_ref_buf', refcounted: true });

export type BinderPageHandle = Owned<InstanceOf<typeof BinderPage>>;
export type SharedBufOwner = Owned<InstanceOf<typeof SharedBuf>>;
export type SharedBufRef = ARef<InstanceOf<typeof SharedBuf>>;
export type RefBufRef = ARef<InstanceOf<typeof RefBuf>>;

/** Publishes a filled buffer: turns its owner into the first shared reference. Moves `owned`. */
export function publish(owned: SharedBufOwner): SharedBufRef {
  return intoShared(owned);
}

/** A Binder page, or null on ENOMEM. */
export function newBinderPage(mem: Memory): BinderPageHandle | null {
  return memdescAlloc(mem, BinderPage, GFP_KERNEL);
}

/** Frees a Binder page. Consumes `page`. */
export function freeBinderPage(page: BinderPageHandle): void {
  memdescFree(page);
}
