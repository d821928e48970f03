/**
 * `struct list_lru` (mm/list_lru.c, include/linux/list_lru.h): a list of reclaimable objects that a
 * shrinker walks. One node, no memcg: a doubly linked list with O(1) add, delete and rotate.
 *
 * @module
 */
import { MmError, describeValue, invalidArgument } from '../debug/mm-error.js';
import { asMemory, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';

/**
 * `enum lru_status` — what a {@link listLruWalk} callback did with an item: one of the `LRU_*`
 * constants.
 */
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

/**
 * `struct list_lru` holding items of type `T` (Binder: its page slots) — a list of reclaimable
 * objects, oldest first, that a shrinker walks. One node, no memcg: a doubly linked list with O(1)
 * add, delete and rotate.
 *
 * **When to use**: to keep objects that can be given back under memory pressure (unused cache
 * entries, Binder's free pages) in LRU order; a shrinker's `countObjects` returns
 * `listLruCount`, its `scanObjects` calls `listLruWalk`.
 *
 * **Gotchas**: items are objects compared by identity; an item is on the list at most once
 * (`listLruAdd` returns `false` the second time). A hand-made object is not a list
 * (`FOREIGN_HANDLE`).
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruWalk, listLruCount, LRU_REMOVED, LRU_SKIP, type ListLru } from 'memdesc';
 * interface Slot { index: number; busy: boolean }
 * const lru: ListLru<Slot> = listLruInit<Slot>(createMemory());
 * listLruAdd(lru, { index: 0, busy: false });
 * listLruAdd(lru, { index: 1, busy: true });
 * const removed = listLruWalk(lru, (slot) => (slot.busy ? LRU_SKIP : LRU_REMOVED), 10);
 * console.log(removed, listLruCount(lru)); // 1 1
 * ```
 */
export interface ListLru<T extends object = object> {
  /** Phantom: marks a `list_lru` made by `listLruInit`, with its item type. */
  readonly [lruBrand]: T;
}

/**
 * `list_lru_walk_cb` — the callback of {@link listLruWalk}: decides each item's fate and returns
 * its {@link LruStatus}. It may add or delete *other* items of the list.
 */
export type ListLruWalkCb<T extends object> = (item: T, lru: ListLru<T>) => LruStatus;

interface Node<T> {
  item: T;
  prev: Node<T> | null;
  next: Node<T> | null;
  /** The walk that added or rotated this node: it is not offered again in that walk. */
  walk: number;
}

/**
 * The runtime list: a map from item to node, and the head (oldest) and tail (youngest). Its state
 * sits in private fields behind accessors, so a user's `Object.freeze` (shallow or deep) of the
 * `ListLru` cannot reach it.
 */
export class ListLruImpl<T extends object> {
  readonly #mem: MemoryImpl;
  readonly #nodes = new Map<T, Node<T>>();
  #head: Node<T> | null = null;
  #tail: Node<T> | null = null;
  #walking = false;
  #walkNo = 0;
  constructor(mem: MemoryImpl) {
    this.#mem = mem;
  }

  get nodes(): Map<T, Node<T>> {
    return this.#nodes;
  }
  get head(): Node<T> | null {
    return this.#head;
  }
  set head(n: Node<T> | null) {
    this.#head = n;
  }
  get tail(): Node<T> | null {
    return this.#tail;
  }
  set tail(n: Node<T> | null) {
    this.#tail = n;
  }
  /** Set while a walk runs: adding or deleting other items from the callback is allowed. */
  get walking(): boolean {
    return this.#walking;
  }
  set walking(w: boolean) {
    this.#walking = w;
  }
  /** Number of the current (or last) walk. */
  get walkNo(): number {
    return this.#walkNo;
  }
  set walkNo(n: number) {
    this.#walkNo = n;
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
 * **When to use**: once per cache of reclaimable objects, next to the shrinker that walks it.
 *
 * **Gotchas**: a non-`Memory` argument is `INVALID_ARGUMENT`. There is no `list_lru_destroy()`:
 * the list is garbage-collected with its items.
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
 * **When to use**: when an object becomes reclaimable (unused, but worth keeping cached).
 *
 * **Gotchas**: an item already on the list stays where it is (it is not made young again: delete
 * and re-add, or return `LRU_ROTATE` from a walk). A non-object item is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd } from 'memdesc';
 * const lru = listLruInit<object>(createMemory());
 * const item = {};
 * console.log(listLruAdd(lru, item), listLruAdd(lru, item)); // true false
 * ```
 * @see {@link listLruDel}
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
 * **When to use**: when an object is in use again and must not be reclaimed; check the result to
 * learn whether a shrinker got there first.
 *
 * **Gotchas**: a non-object item is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruDel } from 'memdesc';
 * const lru = listLruInit<object>(createMemory());
 * const item = {};
 * listLruAdd(lru, item);
 * console.log(listLruDel(lru, item), listLruDel(lru, item)); // true false
 * ```
 * @see {@link listLruAdd}
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
 * **When to use**: as a shrinker's `countObjects` (return `SHRINK_EMPTY` when it is 0).
 *
 * **Gotchas**: a hand-made object is `FOREIGN_HANDLE`.
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

/**
 * `!list_empty(&item->lru)` — whether `item` is on the list.
 *
 * **When to use**: in assertions; correct code usually learns the same from `listLruDel`'s result.
 *
 * **Gotchas**: a hand-made list is `FOREIGN_HANDLE`; a non-object item `INVALID_ARGUMENT`, as for
 * `listLruAdd`.
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruContains } from 'memdesc';
 * const lru = listLruInit<object>(createMemory());
 * const item = {};
 * listLruAdd(lru, item);
 * console.log(listLruContains(lru, item)); // true
 * ```
 */
export function listLruContains<T extends object>(lru: ListLru<T>, item: T): boolean {
  const l = lruOf(lru, 'listLruContains');
  return l.nodes.has(checkItem(item, 'listLruContains'));
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
 * **When to use**: in a shrinker's `scanObjects`, with `sc.nrToScan` as the budget.
 *
 * **Gotchas**: `isolate` runs with the list's lock held, as in the kernel: in atomic context, so
 * an allocation that may sleep (or `vfree`, `kmemCacheDestroy`, `folioLock`) inside it is
 * `SLEEP_IN_ATOMIC` — free pages there, allocate elsewhere. A callback that returns anything but
 * an `LRU_*` value is `INVALID_ARGUMENT`; walks do not nest (`INVALID_ARGUMENT`). `LRU_REMOVED`
 * takes the item off the list if the callback did not (the kernel's callback must
 * `list_lru_isolate()` it itself).
 *
 * @example
 * ```ts
 * import { createMemory, listLruInit, listLruAdd, listLruWalk, LRU_REMOVED } from 'memdesc';
 * const lru = listLruInit<{ n: number }>(createMemory());
 * listLruAdd(lru, { n: 1 });
 * console.log(listLruWalk(lru, () => LRU_REMOVED, 10)); // 1
 * ```
 * @see {@link ListLruWalkCb}
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
      // __list_lru_walk_one() calls isolate() with the list's spinlock held: atomic context, so a
      // sleeping allocation (or vfree, kmem_cache_destroy, ...) inside it is SLEEP_IN_ATOMIC.
      const mem = l.mem;
      mem.atomicDepth++;
      let status: unknown;
      try {
        status = isolate(cur.item, lru);
      } finally {
        mem.atomicDepth--;
      }
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
