/**
 * `struct list_lru` (mm/list_lru.c, include/linux/list_lru.h): a list of reclaimable objects that a
 * shrinker walks. One node, no memcg: a doubly linked list with O(1) add, delete and rotate.
 *
 * @module
 */
import { MmError, describeValue, invalidArgument } from '../debug/mm-error.js';
import { asMemory, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';

/** `enum lru_status`: what a walk callback did with an item. */
export type LruStatus = typeof LRU_REMOVED | typeof LRU_REMOVED_RETRY | typeof LRU_ROTATE | typeof LRU_SKIP | typeof LRU_RETRY | typeof LRU_STOP;

/** `LRU_REMOVED` — the item was removed from the list (the walk removes it if the callback did not). */
export const LRU_REMOVED = 0;
/** `LRU_REMOVED_RETRY` — removed, and the list lock was dropped: the walk restarts from the head. */
export const LRU_REMOVED_RETRY = 1;
/** `LRU_ROTATE` — the item was referenced: move it to the tail (the young end). */
export const LRU_ROTATE = 2;
/** `LRU_SKIP` — leave the item where it is (its locks could not be taken, say). */
export const LRU_SKIP = 3;
/** `LRU_RETRY` — not removed, the lock was dropped: the walk restarts from the head. */
export const LRU_RETRY = 4;
/** `LRU_STOP` — stop the walk here. */
export const LRU_STOP = 5;

declare const lruBrand: unique symbol;

/** `struct list_lru` holding items of type `T` (Binder: its page slots). */
export interface ListLru<T extends object = object> {
  readonly [lruBrand]: T;
}

/** The callback of {@link listLruWalk}: decides each item's fate. */
export type ListLruWalkCb<T extends object> = (item: T, lru: ListLru<T>) => LruStatus;

interface Node<T> {
  item: T;
  prev: Node<T> | null;
  next: Node<T> | null;
  /** The walk that added or rotated this node: it is not offered again in that walk. */
  walk: number;
}

/** The runtime list: a map from item to node, and the head (oldest) and tail (youngest). */
export class ListLruImpl<T extends object> {
  readonly #mem: MemoryImpl;
  readonly nodes = new Map<T, Node<T>>();
  head: Node<T> | null = null;
  tail: Node<T> | null = null;
  /** Set while a walk runs: adding or deleting other items from the callback is allowed. */
  walking = false;
  /** Number of the current (or last) walk. */
  walkNo = 0;
  constructor(mem: MemoryImpl) {
    this.#mem = mem;
  }
  static is(x: unknown): x is ListLruImpl<object> {
    return typeof x === 'object' && x !== null && #mem in x;
  }
  get mem(): MemoryImpl {
    return this.#mem;
  }
  append(item: T): void {
    const n: Node<T> = { item, prev: this.tail, next: null, walk: this.walking ? this.walkNo : 0 };
    if (this.tail) this.tail.next = n;
    else this.head = n;
    this.tail = n;
    this.nodes.set(item, n);
  }
  unlink(n: Node<T>): void {
    if (n.prev) n.prev.next = n.next;
    else this.head = n.next;
    if (n.next) n.next.prev = n.prev;
    else this.tail = n.prev;
    n.prev = n.next = null;
    this.nodes.delete(n.item);
  }
}

function lruOf(lru: unknown, fn: string): ListLruImpl<object> {
  if (!ListLruImpl.is(lru)) throw new MmError('FOREIGN_HANDLE', `BUG: ${fn}(): ${describeValue(lru)} is not a list_lru from listLruInit()`);
  return lru;
}

function checkItem(item: unknown, fn: string): object {
  if ((typeof item !== 'object' && typeof item !== 'function') || item === null) invalidArgument(fn, 'item must be an object', item);
  return item;
}

/**
 * `list_lru_init()` — an empty list_lru of machine `mem`.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruCount } from 'memdesc';
 * const lru = listLruInit<{ index: number }>(createMemory());
 * listLruAdd(lru, { index: 0 });
 * console.log(listLruCount(lru)); // 1
 * ```
 */
export function listLruInit<T extends object>(mem: Memory): ListLru<T> {
  return new ListLruImpl<T>(asMemory(mem, 'listLruInit')) as unknown as ListLru<T>;
}

/**
 * `list_lru_add()` — puts an item at the tail (the young end). Returns `false` if it was already
 * on the list, as the kernel does.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd } from 'memdesc';
 * const lru = listLruInit<object>(createMemory());
 * const item = {};
 * console.log(listLruAdd(lru, item), listLruAdd(lru, item)); // true false
 * ```
 */
export function listLruAdd<T extends object>(lru: ListLru<T>, item: T): boolean {
  const l = lruOf(lru, 'listLruAdd');
  checkItem(item, 'listLruAdd');
  if (l.nodes.has(item)) return false;
  l.append(item);
  return true;
}

/**
 * `list_lru_del()` — takes an item off the list. Returns `false` if it was not on it (a shrinker
 * took it first).
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruDel } from 'memdesc';
 * const lru = listLruInit<object>(createMemory());
 * const item = {};
 * listLruAdd(lru, item);
 * console.log(listLruDel(lru, item), listLruDel(lru, item)); // true false
 * ```
 */
export function listLruDel<T extends object>(lru: ListLru<T>, item: T): boolean {
  const l = lruOf(lru, 'listLruDel');
  checkItem(item, 'listLruDel');
  const n = l.nodes.get(item);
  if (n === undefined) return false;
  l.unlink(n);
  return true;
}

/**
 * `list_lru_count()` — how many items are on the list.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruCount } from 'memdesc';
 * console.log(listLruCount(listLruInit(createMemory()))); // 0
 * ```
 */
export function listLruCount<T extends object>(lru: ListLru<T>): number {
  return lruOf(lru, 'listLruCount').nodes.size;
}

/** Whether `item` is on the list (`!list_empty(&item->lru)`). */
export function listLruContains<T extends object>(lru: ListLru<T>, item: T): boolean {
  return lruOf(lru, 'listLruContains').nodes.has(item);
}

/**
 * `list_lru_walk()` — offers up to `nrToWalk` items, oldest first, to `isolate`, which says what
 * became of each ({@link LruStatus}). Returns how many were removed.
 *
 * As in `__list_lru_walk_one()`: every offered item costs one of `nrToWalk`; `LRU_REMOVED_RETRY`
 * and `LRU_RETRY` restart from the head (items skipped earlier are offered again); `LRU_ROTATE`
 * moves the item to the tail. Items rotated or added during the walk are not offered again in the
 * same walk (a deterministic simplification; the kernel may meet them again before its budget runs
 * out). The callback may delete or add other items; the walk continues after the current item.
 *
 * **Gotchas**: a callback that returns anything but an `LRU_*` value is `INVALID_ARGUMENT`; walks do
 * not nest.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruWalk, LRU_REMOVED } from 'memdesc';
 * const lru = listLruInit<{ n: number }>(createMemory());
 * listLruAdd(lru, { n: 1 });
 * console.log(listLruWalk(lru, () => LRU_REMOVED, 10)); // 1
 * ```
 */
export function listLruWalk<T extends object>(lru: ListLru<T>, isolate: ListLruWalkCb<T>, nrToWalk: number): number {
  const fn = 'listLruWalk';
  const l = lruOf(lru, fn) as unknown as ListLruImpl<T>;
  if (typeof isolate !== 'function') invalidArgument(fn, 'isolate must be a function', isolate);
  if (typeof nrToWalk !== 'number' || !Number.isSafeInteger(nrToWalk) || nrToWalk < 0) invalidArgument(fn, 'nrToWalk must be an integer >= 0', nrToWalk);
  if (l.walking) invalidArgument(fn, 'list_lru walks do not nest', 'a walk inside a walk');
  const walk = ++l.walkNo;
  l.walking = true;
  const live = (n: Node<T> | null): n is Node<T> => n !== null && l.nodes.get(n.item) === n;
  let removed = 0;
  let budget = nrToWalk;
  try {
    let cur = l.head;
    while (cur !== null && budget > 0) {
      if (cur.walk === walk) {
        cur = cur.next; // added or rotated during this walk
        continue;
      }
      const saved = cur.next;
      budget--;
      const status = isolate(cur.item, lru);
      // Where to go next: the item after this one, as it stands after the callback.
      // (The end of the list ends the walk; a saved successor the callback deleted is replaced by
      // the current item's new successor, or, if both are gone, by the head.)
      const after = (): Node<T> | null => {
        if (live(saved)) return saved;
        if (live(cur)) return cur!.next;
        return saved === null ? null : l.head;
      };
      switch (status) {
        case LRU_REMOVED:
          if (live(cur)) l.unlink(cur);
          removed++;
          cur = live(saved) ? saved : saved === null ? null : l.head;
          break;
        case LRU_REMOVED_RETRY:
          if (live(cur)) l.unlink(cur);
          removed++;
          cur = l.head;
          break;
        case LRU_ROTATE: {
          const next = after();
          if (live(cur) && cur !== l.tail) {
            l.unlink(cur);
            l.append(cur.item);
            l.nodes.get(cur.item)!.walk = walk;
          }
          cur = next === cur ? null : next;
          break;
        }
        case LRU_SKIP:
          cur = after();
          break;
        case LRU_RETRY:
          cur = l.head;
          break;
        case LRU_STOP:
          cur = null;
          break;
        default:
          invalidArgument(fn, 'isolate must return an LRU_* status', status);
      }
    }
  } finally {
    l.walking = false;
  }
  return removed;
}
