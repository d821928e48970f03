/**
 * The three memory types a Binder page range can hold — the part of `page-range.ts` that varies.
 *
 * | design    | a slot holds              | the mapping (`vm_insert_page`) | the shrinker frees by |
 * |-----------|---------------------------|--------------------------------|-----------------------|
 * | `page`    | `Owned<Page<0>>`          | takes no reference (PFNMAP)    | `freePage`            |
 * | `folio`   | `ARef<Folio<0>>`          | `folioGet` + rmap; zap puts it | the last `folioPut`   |
 * | `memdesc` | `Owned<BinderPage>`       | takes no reference (PFNMAP)    | `memdescFree`         |
 *
 * `page` is mainline Rust Binder (6.18: `Option<Page>`, an owning order-0 page) in a world where
 * pages have no refcount. `folio` is what Rust-for-Linux's Ownable v21 did to `Page`
 * (`AlwaysRefCounted`, backed by `get_page`/`put_page`, "because kernel C code routinely takes its
 * own references to pages, for example when a page is inserted into a VMA with
 * `vm_insert_page()`"), spelled with the memdesc that has a refcount. `memdesc` is Matthew
 * Wilcox's answer: "with memdescs, you get to define your own data type" — ownable, not counted
 * ("I don't see a reason why binder needs to refcount its pages").
 *
 * @module
 */
import {
  allocPage,
  defineMemdesc,
  folioAddRmapPte,
  folioAlloc,
  folioGet,
  folioLock,
  folioMapcount,
  folioPfn,
  folioPut,
  folioRefCount,
  folioRemoveRmapPte,
  folioUnlock,
  freePage,
  memdescAddress,
  memdescAlloc,
  memdescFree,
  memdescPage,
  pageToPfn,
  readRaw,
  writeRaw,
  type ARef,
  type Folio,
  type InstanceOf,
  type Owned,
  type Page,
} from 'memdesc';
import { BINDER_PAGE_GFP, type BinderDesign, type DesignName } from './page-range.js';

/** Binder's own memdesc: one page, one owner (the slot), no refcount, no mapcount. */
export const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
/** An instance of {@link BinderPage}. */
export type BinderPage = InstanceOf<typeof BinderPage>;

/** What a slot holds in each design. */
export interface SlotTypes {
  page: Owned<Page<0>>;
  folio: ARef<Folio<0>>;
  memdesc: Owned<BinderPage>;
}

/** What a design whose page nothing counts provides itself; {@link owned} adds the rest. */
type OwnedParts<Slot extends object> = Pick<BinderDesign<Slot>, 'name' | 'slotType' | 'upstream' | 'metadata' | 'alloc' | 'release' | 'write' | 'read' | 'pfn'>;

/**
 * A design whose slot is the page's unique owner: nothing counts it, the user mapping takes no
 * reference (a page without a refcount is mapped the way a PFNMAP is), so the slot must zap the
 * mapping before it lets the page go — the protocol does.
 */
function owned<Slot extends object>(parts: OwnedParts<Slot>): BinderDesign<Slot> {
  return {
    ...parts,
    refcountOps: { gets: 0, puts: 0 },
    locks: { count: 0 },
    mapUser: () => {},
    unmapUser: () => {},
    holdsLast: () => true,
    observe: () => ({ refcount: null, mapcount: null }),
  };
}

/** Today's design: a slot owns a bare order-0 page; freeing the owner frees the page. */
export function pageDesign(): BinderDesign<SlotTypes['page']> {
  return owned({
    name: 'page',
    slotType: 'Owned<Page<0>>',
    upstream: 'mainline Rust Binder (6.18): Option<Page>; Ownable v18: Option<Owned<Page>>',
    metadata: {
      memdesc: 'bare',
      u0: 'unused (a bare page has no refcount)',
      u1: 'unused (nor a mapcount)',
      bytesUsed: 8,
      refcount: false,
      mapcount: false,
    },
    alloc: (mem) => allocPage(mem, BINDER_PAGE_GFP),
    release(page) {
      freePage(page);
    },
    write: (page, src, offset) => writeRaw(page, src, offset),
    read: (page, dst, offset) => readRaw(page, dst, offset),
    pfn: (page) => pageToPfn(page),
  });
}

/**
 * Order-0 folios: the slot holds one reference, the user mapping another (as `vm_insert_page()`
 * takes one), and the shrinker frees a page only when, after the zap, the slot's is the last.
 */
export function folioDesign(): BinderDesign<SlotTypes['folio']> {
  const refcountOps = { gets: 0, puts: 0 };
  const locks = { count: 0 };
  /** The page table's reference to each mapped folio, by the slot's handle. */
  const ptes = new WeakMap<ARef<Folio<0>>, ARef<Folio<0>>>();
  return {
    name: 'folio',
    slotType: 'ARef<Folio<0>>',
    upstream: 'Ownable v21: Option<ARef<Page>> (Page: AlwaysRefCounted via get_page/put_page)',
    refcountOps,
    locks,
    metadata: {
      memdesc: 'folio',
      u0: '_refcount (2 while mapped: the slot and the page table)',
      u1: '_mapcount (1 while mapped)',
      bytesUsed: 16,
      refcount: true,
      mapcount: true,
    },
    alloc: (mem) => folioAlloc(mem, BINDER_PAGE_GFP, 0),
    mapUser(folio) {
      const pte = folioGet(folio); // vm_insert_page(): the page table's own reference
      refcountOps.gets++;
      folioAddRmapPte(pte);
      ptes.set(folio, pte);
    },
    unmapUser(folio) {
      const pte = ptes.get(folio);
      if (pte === undefined) throw new Error('binder: zap of a folio the page table does not map');
      ptes.delete(folio);
      folioRemoveRmapPte(pte);
      folioPut(pte); // zap_page_range_single(): the page table's reference goes
      refcountOps.puts++;
    },
    holdsLast: (folio, mapped) => folioRefCount(folio) === (mapped ? 2 : 1),
    release(folio) {
      folioPut(folio); // the slot's reference; the last put frees the folio
      refcountOps.puts++;
    },
    write(folio, src, offset) {
      // A folio is written under its lock.
      const locked = folioLock(folio);
      try {
        writeRaw(locked, src, offset);
      } finally {
        folioUnlock(locked);
      }
      locks.count++;
    },
    read: (folio, dst, offset) => readRaw(folio, dst, offset),
    pfn: (folio) => folioPfn(folio),
    observe: (folio) => ({ refcount: folioRefCount(folio), mapcount: folioMapcount(folio) }),
  };
}

/** Binder's own memdesc: the slot is the unique owner; nothing counts it. */
export function memdescDesign(): BinderDesign<SlotTypes['memdesc']> {
  return owned({
    name: 'memdesc',
    slotType: 'Owned<BinderPage>',
    upstream: "Wilcox's memdesc plan: Binder's own descriptor, Ownable, not refcounted (Ownable v19's Owned<Page>, under its own type)",
    metadata: {
      memdesc: 'custom',
      u0: 'unused (binder_page has no refcount)',
      u1: 'the memdesc type (binder_page), where page->memdesc would point',
      bytesUsed: 12,
      refcount: false,
      mapcount: false,
    },
    alloc: (mem) => memdescAlloc(mem, BinderPage, BINDER_PAGE_GFP),
    release(page) {
      memdescFree(page);
    },
    write: (page, src, offset) => writeRaw(memdescAddress(page), src, offset),
    read: (page, dst, offset) => readRaw(memdescAddress(page), dst, offset),
    pfn: (page) => pageToPfn(memdescPage(page, 0)),
  });
}

/** The design factories, by name. */
export const DESIGNS: { readonly [N in DesignName]: () => BinderDesign<SlotTypes[N]> } = {
  page: pageDesign,
  folio: folioDesign,
  memdesc: memdescDesign,
};

/** The names, in the order reports show them. */
export const DESIGN_NAMES: readonly DesignName[] = ['page', 'folio', 'memdesc'];
