/**
 * Rule family: Binder-style ownership (examples/binder/). A slot owns its page; pages go into slots
 * through a `… & Live` parameter; the shrinker's free consumes the page. Putting a freed page back
 * in a slot, freeing it twice, or using it after the shrinker gave it back does not compile.
 */
import { expectError } from 'tsd';
import {
  createMemory,
  allocPage,
  freePage,
  writeRaw,
  listLruInit,
  listLruAdd,
  listLruDel,
  listLruWalk,
  LRU_REMOVED_RETRY,
  LRU_SKIP,
  GFP_KERNEL,
  type Owned,
  type Page,
  type Live,
  type LruStatus,
  type MaybeConsumed,
} from '../dist/index.js';

interface PageInfo {
  readonly index: number;
  page: Owned<Page<0>> | null;
}
function installPage(info: PageInfo, page: Owned<Page<0>> & Live): void {
  info.page = page;
}

const mem = createMemory();
const lru = listLruInit<PageInfo>(mem);
const slot: PageInfo = { index: 0, page: null };

// use_page_slow(): a fresh page goes into the slot.
const fresh = allocPage(mem, GFP_KERNEL);
if (fresh) installPage(slot, fresh);
listLruAdd(lru, slot);
listLruDel(lru, slot);
expectError(listLruAdd(lru, { index: 1 })); // not a PageInfo [TypeScript's own message: the test's own PageInfo type]

// The shrinker's isolate callback: take the page out of the slot, free it (consumed).
export function freePageCb(info: PageInfo): LruStatus {
  const page = info.page;
  if (page === null) return LRU_SKIP;
  info.page = null;
  freePage(page);
  expectError(installPage(info, page)); // a freed page cannot go back into a slot
  expectError(freePage(page)); // nor be freed twice
  expectError(writeRaw(page, new Uint8Array(1), 0)); // nor be written
  return LRU_REMOVED_RETRY;
}

listLruWalk(lru, freePageCb, 10);
expectError(listLruWalk(lru, () => 42, 10)); // the callback returns an LRU status [TypeScript's own message: LruStatus is a plain union]

// Freed on some paths only: the page may not go back.
export function maybeFreed(info: PageInfo, cond: boolean): void {
  const page: MaybeConsumed<Owned<Page<0>>> | null = info.page;
  if (page === null) return;
  if (cond) freePage(page);
  expectError(installPage(info, page));
}
