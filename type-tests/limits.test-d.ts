/**
 * What TypeScript cannot do (docs/limits.md, issue 10): a handle consumed by an assertion signature
 * is a subtype of its declared type, so wherever that plain type is accepted — a helper's parameter
 * without `& Live`, a field, an array, a Map, a return value — the consumed handle is accepted too.
 * These compile on purpose: they pin the limit, so a future change that refuses them is noticed.
 * The ownership checker (`memdesc check`) and the runtime (`USE_AFTER_FREE`) catch them.
 */
import { expectAssignable } from 'tsd';
import { createMemory, allocPage, freePage, GFP_KERNEL, type Owned, type Page, type Consumed } from '../dist/index.js';

const mem = createMemory();

function keep(page: Owned<Page<0>>): Owned<Page<0>> {
  return page;
}

export function consumedGoesWhereThePlainTypeGoes(): Owned<Page<0>> {
  const p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  expectAssignable<Owned<Page<0>> & Consumed>(p);
  keep(p); // a helper without `& Live`
  const slots: Owned<Page<0>>[] = [];
  slots.push(p); // an array
  const byIndex = new Map<number, Owned<Page<0>>>();
  byIndex.set(0, p); // a Map
  const holder: { page: Owned<Page<0>> | null } = { page: null };
  holder.page = p; // a field
  return p; // a return value
}
