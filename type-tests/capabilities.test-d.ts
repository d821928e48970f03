/**
 * Rule family: capabilities. Ownable and AlwaysRefCounted exclude each other where a type is
 * defined; each memdesc's lifecycle decides which operations compile.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescGet,
  memdescPut,
  memdescPage,
  pageMemdesc,
  intoShared,
  tryFromShared,
  pagetableAlloc,
  pagetableFree,
  GFP_KERNEL,
  type Ownable,
  type AlwaysRefCounted,
  type RefCounted,
  type OwnableRefCounted,
  type Owned,
  type ARef,
  type Memdesc,
  type CheckCapabilities,
  type MsgOwnableAlwaysRefCounted,
} from '../dist/index.js';

// Declaring a type that is both Ownable and AlwaysRefCounted is a compile error where it is defined.
// @ts-expect-error — Ownable and AlwaysRefCounted conflict [TypeScript's own message: a declaration check, whose first line names both capabilities]
export interface Broken extends Ownable, AlwaysRefCounted {}
export interface Fine extends OwnableRefCounted {}
export interface AlsoFine extends AlwaysRefCounted {}
expectType<MsgOwnableAlwaysRefCounted>({} as CheckCapabilities<Ownable & { readonly x: 1 } & AlwaysRefCounted>);

// defineMemdesc checks the capability set at the definition.
expectError(defineMemdesc({ name: 'bad', ownable: true, alwaysRefCounted: true }));
expectError(defineMemdesc({ name: 'nothing' }));

const mem = createMemory();
const Owner = defineMemdesc({ name: 'binder_page', ownable: true });
const Counted = defineMemdesc({ name: 'shared_buf', refcounted: true });
const Always = defineMemdesc({ name: 'always', alwaysRefCounted: true });
const Orc = defineMemdesc({ name: 'orc', ownable: true, refcounted: true, order: 1 });

const o = memdescAlloc(mem, Owner, GFP_KERNEL)!;
expectType<Owned<Memdesc<'binder_page', 0, { readonly ownable: true; readonly refcounted: false; readonly alwaysRefCounted: false }> & Ownable>>(o);
expectError(memdescGet(o)); // no refcount
expectError(memdescPut(o));
memdescFree(o);
expectError(memdescFree(o));

const c = memdescAlloc(mem, Counted, GFP_KERNEL)!;
const c2 = memdescGet(c);
expectError(memdescFree(c)); // not ownable
expectError(memdescGet(pageMemdesc(memdescPage(c, 0), Counted)!)); // not from a borrow
memdescPut(c2);
memdescPut(c);
expectError(memdescPut(c));

const a = memdescAlloc(mem, Always, GFP_KERNEL)!;
const a2 = memdescGet(pageMemdesc(memdescPage(a, 0), Always)!); // from a borrow: AlwaysRefCounted
memdescPut(a2);
memdescPut(a);

const x = memdescAlloc(mem, Orc, GFP_KERNEL)!;
expectError(memdescGet(x)); // a unique owner cannot be counted
const shared = intoShared(x);
expectType<ARef<Memdesc<'orc', 1, { readonly ownable: true; readonly refcounted: true; readonly alwaysRefCounted: false }> & Ownable & RefCounted>>(shared);
const r = tryFromShared(shared);
if (r.unique) memdescFree(r);
else memdescPut(r);
expectError(intoShared(memdescAlloc(mem, Owner, GFP_KERNEL)!)); // not refcounted

const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
pagetableFree(pt);
expectError(pagetableFree(pt));
