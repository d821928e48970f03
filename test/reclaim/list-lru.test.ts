import { describe, expect, it } from 'vitest';
import {
  createMemory,
  listLruInit,
  listLruAdd,
  listLruDel,
  listLruCount,
  listLruContains,
  listLruWalk,
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_RETRY,
  LRU_STOP,
  allocPage,
  freePage,
  vmalloc,
  GFP_ATOMIC,
  GFP_KERNEL,
  MmError,
  verifyMemory,
  type ListLru,
  type LruStatus,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

interface Item {
  readonly name: string;
}

function setup(names: string[]) {
  const mem = createMemory({ pages: 1024, ...quiet });
  const lru = listLruInit<Item>(mem);
  const items = new Map<string, Item>();
  for (const name of names) {
    const it = { name };
    items.set(name, it);
    expect(listLruAdd(lru, it)).toBe(true);
  }
  const get = (n: string) => items.get(n)!;
  return { mem, lru, get };
}

/** The list's order, oldest first, as seen by a walk that skips everything (it changes nothing). */
function order(lru: ListLru<Item>): string[] {
  const seen: string[] = [];
  listLruWalk(
    lru,
    (it) => {
      seen.push(it.name);
      return LRU_SKIP;
    },
    1_000_000,
  );
  return seen;
}

/** Walks with `decide` and returns the names offered, in order, and the walk's result. */
function walk(lru: ListLru<Item>, decide: (it: Item, nth: number) => LruStatus, nrToWalk = 1000) {
  const offered: string[] = [];
  const removed = listLruWalk(
    lru,
    (it) => {
      offered.push(it.name);
      return decide(it, offered.length - 1);
    },
    nrToWalk,
  );
  return { offered, removed };
}

describe('list_lru: add / del / count / contains', () => {
  it('starts empty; add puts items on it; del takes them off', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const lru = listLruInit<Item>(mem);
    expect(listLruCount(lru)).toBe(0);
    const a = { name: 'a' };
    const b = { name: 'b' };
    expect(listLruContains(lru, a)).toBe(false);
    expect(listLruAdd(lru, a)).toBe(true);
    expect(listLruAdd(lru, b)).toBe(true);
    expect(listLruCount(lru)).toBe(2);
    expect(listLruContains(lru, a)).toBe(true);
    expect(listLruDel(lru, a)).toBe(true);
    expect(listLruContains(lru, a)).toBe(false);
    expect(listLruContains(lru, b)).toBe(true);
    expect(listLruCount(lru)).toBe(1);
    expect(listLruDel(lru, b)).toBe(true);
    expect(listLruCount(lru)).toBe(0);
    verifyMemory(mem);
  });

  it('adding an item twice returns false and does not duplicate it', () => {
    const { lru, get } = setup(['a', 'b']);
    expect(listLruAdd(lru, get('a'))).toBe(false);
    expect(listLruCount(lru)).toBe(2);
    expect(order(lru)).toEqual(['a', 'b']); // the failed add did not move it to the tail
  });

  it('deleting an item that is not on the list returns false', () => {
    const { lru, get } = setup(['a']);
    expect(listLruDel(lru, { name: 'stranger' })).toBe(false);
    expect(listLruDel(lru, get('a'))).toBe(true);
    expect(listLruDel(lru, get('a'))).toBe(false);
    expect(listLruDel(lru, get('a'))).toBe(false);
    expect(listLruCount(lru)).toBe(0);
  });

  it('a deleted item can be added again, at the tail', () => {
    const { lru, get } = setup(['a', 'b', 'c']);
    listLruDel(lru, get('a'));
    listLruAdd(lru, get('a'));
    expect(order(lru)).toEqual(['b', 'c', 'a']);
  });

  it('two list_lrus are independent; one item may sit on both', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const l1 = listLruInit<Item>(mem);
    const l2 = listLruInit<Item>(mem);
    const a = { name: 'a' };
    listLruAdd(l1, a);
    expect(listLruContains(l2, a)).toBe(false);
    expect(listLruAdd(l2, a)).toBe(true);
    listLruDel(l1, a);
    expect(listLruContains(l2, a)).toBe(true);
    expect(listLruCount(l1)).toBe(0);
  });

  it('functions are objects too and may be items', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const lru = listLruInit<object>(mem);
    const f = () => 0;
    expect(listLruAdd(lru, f)).toBe(true);
    expect(listLruContains(lru, f)).toBe(true);
  });
});

describe('list_lru_walk: order and statuses', () => {
  it('offers items oldest first and an all-SKIP walk changes nothing', () => {
    const { lru } = setup(['a', 'b', 'c', 'd']);
    const { offered, removed } = walk(lru, () => LRU_SKIP);
    expect(offered).toEqual(['a', 'b', 'c', 'd']);
    expect(removed).toBe(0);
    expect(order(lru)).toEqual(['a', 'b', 'c', 'd']);
    expect(listLruCount(lru)).toBe(4);
  });

  it('a walk over an empty list offers nothing and returns 0', () => {
    const { lru } = setup([]);
    expect(walk(lru, () => LRU_REMOVED)).toEqual({ offered: [], removed: 0 });
  });

  it('LRU_REMOVED: the walk takes the item off and counts it', () => {
    const { lru, get } = setup(['a', 'b', 'c', 'd']);
    const { offered, removed } = walk(lru, (it) => (it.name === 'b' || it.name === 'd' ? LRU_REMOVED : LRU_SKIP));
    expect(offered).toEqual(['a', 'b', 'c', 'd']);
    expect(removed).toBe(2);
    expect(listLruCount(lru)).toBe(2);
    expect(listLruContains(lru, get('b'))).toBe(false);
    expect(listLruContains(lru, get('d'))).toBe(false);
    expect(order(lru)).toEqual(['a', 'c']);
  });

  it('LRU_REMOVED after the callback deleted the item itself is counted once and is no error', () => {
    const { lru } = setup(['a', 'b', 'c']);
    const { offered, removed } = walk(lru, (it) => {
      expect(listLruDel(lru, it)).toBe(true); // list_lru_isolate() from inside the callback
      return LRU_REMOVED;
    });
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(removed).toBe(3);
    expect(listLruCount(lru)).toBe(0);
  });

  it('LRU_REMOVED on every item empties the list', () => {
    const { lru } = setup(['a', 'b', 'c', 'd', 'e']);
    expect(walk(lru, () => LRU_REMOVED).removed).toBe(5);
    expect(listLruCount(lru)).toBe(0);
  });

  it('LRU_REMOVED_RETRY: the item is removed and counted, and the walk restarts from the head', () => {
    const { lru, get } = setup(['a', 'b', 'c']);
    const { offered, removed } = walk(lru, (it) => (it.name === 'b' ? LRU_REMOVED_RETRY : LRU_SKIP));
    expect(offered).toEqual(['a', 'b', 'a', 'c']);
    expect(removed).toBe(1);
    expect(listLruContains(lru, get('b'))).toBe(false);
    expect(order(lru)).toEqual(['a', 'c']);
  });

  it('LRU_REMOVED_RETRY on every item drains the list, one restart each', () => {
    const { lru } = setup(['a', 'b', 'c']);
    const { offered, removed } = walk(lru, () => LRU_REMOVED_RETRY);
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(removed).toBe(3);
    expect(listLruCount(lru)).toBe(0);
  });

  it('LRU_ROTATE: the item moves to the tail and is not offered again in the same walk', () => {
    const { lru } = setup(['a', 'b', 'c']);
    const { offered, removed } = walk(lru, (it) => (it.name === 'a' ? LRU_ROTATE : LRU_SKIP));
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(removed).toBe(0);
    expect(order(lru)).toEqual(['b', 'c', 'a']);
  });

  it('LRU_ROTATE on every item offers each once and keeps their relative order', () => {
    const { lru } = setup(['a', 'b', 'c', 'd']);
    const { offered } = walk(lru, () => LRU_ROTATE);
    expect(offered).toEqual(['a', 'b', 'c', 'd']);
    expect(order(lru)).toEqual(['a', 'b', 'c', 'd']);
    expect(listLruCount(lru)).toBe(4);
  });

  it('LRU_ROTATE of the tail item leaves it at the tail', () => {
    const { lru } = setup(['a', 'b', 'c']);
    const { offered } = walk(lru, (it) => (it.name === 'c' ? LRU_ROTATE : LRU_SKIP));
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(order(lru)).toEqual(['a', 'b', 'c']);
  });

  it('LRU_ROTATE ages the list: the next walk sees the rotated items last', () => {
    const { lru } = setup(['a', 'b', 'c', 'd']);
    walk(lru, (it) => (it.name === 'a' || it.name === 'c' ? LRU_ROTATE : LRU_SKIP));
    expect(walk(lru, () => LRU_SKIP).offered).toEqual(['b', 'd', 'a', 'c']);
  });

  it('LRU_SKIP: the item stays where it is', () => {
    const { lru, get } = setup(['a', 'b', 'c']);
    const { offered, removed } = walk(lru, (it) => (it.name === 'b' ? LRU_SKIP : LRU_REMOVED));
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(removed).toBe(2);
    expect(listLruContains(lru, get('b'))).toBe(true);
    expect(order(lru)).toEqual(['b']);
  });

  it('LRU_RETRY: the item stays, and the walk restarts from the head', () => {
    const { lru } = setup(['a', 'b', 'c']);
    let retried = false;
    const { offered, removed } = walk(lru, (it) => {
      if (it.name === 'b' && !retried) {
        retried = true;
        return LRU_RETRY;
      }
      return LRU_SKIP;
    });
    expect(offered).toEqual(['a', 'b', 'a', 'b', 'c']);
    expect(removed).toBe(0);
    expect(order(lru)).toEqual(['a', 'b', 'c']);
  });

  it('LRU_RETRY from the last item restarts the walk like from any other item', () => {
    const { lru } = setup(['a']);
    let retried = false;
    const r = walk(lru, () => {
      if (!retried) {
        retried = true;
        return LRU_RETRY;
      }
      return LRU_REMOVED;
    });
    expect(r).toEqual({ offered: ['a', 'a'], removed: 1 });
  });

  it('LRU_RETRY forever is bounded by nrToWalk (each retry uses up budget)', () => {
    const { lru } = setup(['a', 'b']);
    const { offered, removed } = walk(lru, () => LRU_RETRY, 7);
    expect(offered).toEqual(['a', 'a', 'a', 'a', 'a', 'a', 'a']);
    expect(removed).toBe(0);
    expect(listLruCount(lru)).toBe(2);
  });

  it('LRU_STOP: the walk ends at that item, which stays; earlier removals count', () => {
    const { lru, get } = setup(['a', 'b', 'c', 'd']);
    const { offered, removed } = walk(lru, (it) => (it.name === 'c' ? LRU_STOP : LRU_REMOVED));
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(removed).toBe(2);
    expect(listLruContains(lru, get('c'))).toBe(true);
    expect(order(lru)).toEqual(['c', 'd']);
  });

  it('LRU_STOP on the first item: nothing removed, nothing else offered', () => {
    const { lru } = setup(['a', 'b']);
    expect(walk(lru, () => LRU_STOP)).toEqual({ offered: ['a'], removed: 0 });
    expect(listLruCount(lru)).toBe(2);
  });
});

describe('list_lru_walk: the nrToWalk budget', () => {
  it('offers at most nrToWalk items, oldest first', () => {
    const names = Array.from({ length: 10 }, (_, i) => `i${i}`);
    const { lru } = setup(names);
    const r = walk(lru, () => LRU_REMOVED, 4);
    expect(r.offered).toEqual(['i0', 'i1', 'i2', 'i3']);
    expect(r.removed).toBe(4);
    expect(listLruCount(lru)).toBe(6);
    expect(order(lru)[0]).toBe('i4');
  });

  it('nrToWalk 0 offers nothing', () => {
    const { lru } = setup(['a', 'b']);
    expect(walk(lru, () => LRU_REMOVED, 0)).toEqual({ offered: [], removed: 0 });
    expect(listLruCount(lru)).toBe(2);
  });

  it('skipped and rotated items use budget too', () => {
    const { lru } = setup(['a', 'b', 'c', 'd', 'e']);
    const r = walk(lru, (it) => (it.name === 'a' ? LRU_SKIP : it.name === 'b' ? LRU_ROTATE : LRU_REMOVED), 3);
    expect(r.offered).toEqual(['a', 'b', 'c']);
    expect(r.removed).toBe(1);
    expect(order(lru)).toEqual(['a', 'd', 'e', 'b']);
  });

  it('a budget larger than the list stops at the end of the list', () => {
    const { lru } = setup(['a', 'b']);
    expect(walk(lru, () => LRU_SKIP, 1_000_000).offered).toEqual(['a', 'b']);
  });
});

describe('list_lru_walk: callbacks that change the list', () => {
  it('an item the callback deletes further down is not offered', () => {
    const { lru, get } = setup(['a', 'b', 'c', 'd']);
    const { offered, removed } = walk(lru, (it) => {
      if (it.name === 'a') expect(listLruDel(lru, get('c'))).toBe(true);
      return LRU_SKIP;
    });
    expect(offered).not.toContain('c');
    expect(offered).toContain('d');
    expect(removed).toBe(0); // deletions by the callback are not the walk's removals
    expect(order(lru)).toEqual(['a', 'b', 'd']);
  });

  it('an item the callback deletes behind the cursor is simply gone', () => {
    const { lru, get } = setup(['a', 'b', 'c']);
    const { offered } = walk(lru, (it) => {
      if (it.name === 'c') listLruDel(lru, get('a'));
      return LRU_SKIP;
    });
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(order(lru)).toEqual(['b', 'c']);
  });

  it('the callback may delete the next item when it removes the current one', () => {
    const { lru, get } = setup(['a', 'b', 'c', 'd']);
    const { offered, removed } = walk(lru, (it) => {
      if (it.name === 'a') listLruDel(lru, get('b'));
      return it.name === 'a' ? LRU_REMOVED : LRU_SKIP;
    });
    expect(offered).toEqual(['a', 'c', 'd']);
    expect(removed).toBe(1);
    expect(order(lru)).toEqual(['c', 'd']);
  });

  it('the callback may delete every other item; nothing deleted is offered', () => {
    const { lru, get } = setup(['a', 'b', 'c', 'd', 'e']);
    const deleted = new Set<string>();
    const { offered } = walk(lru, (it) => {
      expect(deleted.has(it.name)).toBe(false);
      for (const n of ['b', 'c', 'd', 'e']) {
        if (n !== it.name && listLruDel(lru, get(n))) deleted.add(n);
      }
      return LRU_REMOVED;
    });
    expect(offered).toEqual(['a']);
    expect(listLruCount(lru)).toBe(0);
  });

  it('items the callback adds go to the tail and are not offered in the same walk', () => {
    const { lru } = setup(['a', 'b', 'c']);
    let added = 0;
    const { offered, removed } = walk(lru, (it) => {
      listLruAdd(lru, { name: `new-${it.name}` });
      added++;
      return LRU_SKIP;
    });
    expect(offered).toEqual(['a', 'b', 'c']);
    expect(removed).toBe(0);
    expect(added).toBe(3);
    expect(order(lru)).toEqual(['a', 'b', 'c', 'new-a', 'new-b', 'new-c']);
  });

  it('items added while every item is removed survive the walk', () => {
    const { lru } = setup(['a', 'b']);
    const { offered, removed } = walk(lru, (it) => {
      listLruAdd(lru, { name: `new-${it.name}` });
      return LRU_REMOVED;
    });
    expect(offered).toEqual(['a', 'b']);
    expect(removed).toBe(2);
    expect(order(lru)).toEqual(['new-a', 'new-b']);
  });

  it('items added before a LRU_RETRY are still not offered', () => {
    const { lru } = setup(['a', 'b', 'c']);
    let retried = false;
    const { offered } = walk(lru, (it) => {
      if (it.name === 'b' && !retried) {
        retried = true;
        listLruAdd(lru, { name: 'late' });
        return LRU_RETRY;
      }
      return LRU_SKIP;
    });
    expect(offered).toEqual(['a', 'b', 'a', 'b', 'c']);
    expect(order(lru)).toEqual(['a', 'b', 'c', 'late']);
  });

  it('deleting the next item does not make the walk offer an already-skipped item again', () => {
    const { lru, get } = setup(['a', 'b', 'c', 'd']);
    const { offered } = walk(lru, (it) => {
      if (it.name === 'a') listLruDel(lru, get('b'));
      return LRU_SKIP;
    });
    expect(offered).toEqual(['a', 'c', 'd']);
  });

  it('a rotated item is not offered again even when the callback deleted the last item', () => {
    const { lru, get } = setup(['a', 'b']);
    const { offered } = walk(lru, (it) => {
      if (it.name === 'a') listLruDel(lru, get('b'));
      return LRU_ROTATE;
    });
    expect(offered).toEqual(['a']);
  });

  it('deleting and re-adding the next item puts it behind the walk', () => {
    const { lru, get } = setup(['a', 'b', 'c']);
    const { offered, removed } = walk(lru, (it) => {
      if (it.name === 'a') {
        listLruDel(lru, get('b'));
        listLruAdd(lru, get('b'));
        return LRU_SKIP;
      }
      return LRU_REMOVED;
    });
    expect({ offered, removed, list: order(lru) }).toEqual({ offered: ['a', 'c'], removed: 1, list: ['a', 'b'] });
  });
});

describe('list_lru: misuse', () => {
  it('a callback returning anything but an LRU_* status is INVALID_ARGUMENT', () => {
    for (const bad of [42, -1, 6, undefined, null, '0', 0.5, true, NaN]) {
      const { mem, lru } = setup(['a', 'b']);
      expectMmError(mem, 'INVALID_ARGUMENT', () => listLruWalk(lru, () => bad as unknown as LruStatus, 10));
      // The item it was offered is still there and the list is usable again.
      expect(listLruCount(lru)).toBe(2);
      expect(walk(lru, () => LRU_REMOVED).removed).toBe(2);
    }
  });

  it('walks do not nest: a walk of the same list from the callback is INVALID_ARGUMENT', () => {
    const { mem, lru } = setup(['a', 'b']);
    let inner: unknown;
    const removed = listLruWalk(
      lru,
      () => {
        try {
          listLruWalk(lru, () => LRU_REMOVED, 10);
        } catch (e) {
          inner = e;
        }
        return LRU_SKIP;
      },
      10,
    );
    expect(inner).toBeInstanceOf(MmError);
    expect((inner as MmError).code).toBe('INVALID_ARGUMENT');
    expect(removed).toBe(0);
    expect(listLruCount(lru)).toBe(2);
    // Uncaught, it propagates out of the outer walk, which leaves the list usable.
    expectMmError(mem, 'INVALID_ARGUMENT', () => listLruWalk(lru, () => (listLruWalk(lru, () => LRU_SKIP, 1), LRU_SKIP), 10));
    expect(walk(lru, () => LRU_REMOVED).removed).toBe(2);
  });

  it('a callback that throws leaves the list usable', () => {
    const { lru } = setup(['a', 'b']);
    expect(() =>
      listLruWalk(
        lru,
        () => {
          throw new Error('boom');
        },
        10,
      ),
    ).toThrow('boom');
    expect(walk(lru, () => LRU_REMOVED).removed).toBe(2);
  });

  it('walking another list from the callback is allowed', () => {
    const { mem, lru } = setup(['a', 'b']);
    const other = listLruInit<Item>(mem);
    listLruAdd(other, { name: 'x' });
    let innerRemoved = -1;
    walk(lru, (it) => {
      if (it.name === 'a') innerRemoved = listLruWalk(other, () => LRU_REMOVED, 10);
      return LRU_SKIP;
    });
    expect(innerRemoved).toBe(1);
    expect(listLruCount(other)).toBe(0);
  });

  it('a non-object item is INVALID_ARGUMENT', () => {
    const { mem, lru } = setup(['a']);
    for (const bad of [5, 'x', null, undefined, true, Symbol('s'), 10n]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => listLruAdd(lru, bad as unknown as Item));
      expectMmError(mem, 'INVALID_ARGUMENT', () => listLruDel(lru, bad as unknown as Item));
    }
    expect(listLruCount(lru)).toBe(1);
  });

  it('a bad nrToWalk is INVALID_ARGUMENT and the callback is never called', () => {
    const { mem, lru } = setup(['a']);
    let called = 0;
    for (const bad of [-1, 1.5, NaN, Infinity, '3', null, undefined, 2 ** 60]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () =>
        listLruWalk(
          lru,
          () => {
            called++;
            return LRU_REMOVED;
          },
          bad as unknown as number,
        ),
      );
    }
    expect(called).toBe(0);
    expect(listLruCount(lru)).toBe(1);
  });

  it('a callback that is not a function is INVALID_ARGUMENT', () => {
    const { mem, lru } = setup(['a']);
    expectMmError(mem, 'INVALID_ARGUMENT', () => listLruWalk(lru, 'LRU_REMOVED' as unknown as () => LruStatus, 1));
    expect(listLruCount(lru)).toBe(1);
  });

  it('an object that is not a list_lru is FOREIGN_HANDLE', () => {
    const { mem } = setup([]);
    const forged = [{}, { nodes: new Map(), head: null, tail: null, walking: false }, null, undefined, 7] as unknown as ListLru<Item>[];
    for (const bad of forged) {
      expectMmError(mem, 'FOREIGN_HANDLE', () => listLruAdd(bad, { name: 'a' }));
      expectMmError(mem, 'FOREIGN_HANDLE', () => listLruDel(bad, { name: 'a' }));
      expectMmError(mem, 'FOREIGN_HANDLE', () => listLruCount(bad));
      expectMmError(mem, 'FOREIGN_HANDLE', () => listLruContains(bad, { name: 'a' }));
      expectMmError(mem, 'FOREIGN_HANDLE', () => listLruWalk(bad, () => LRU_SKIP, 1));
    }
  });

  it('a foreign list_lru is reported before a bad item', () => {
    const { mem } = setup([]);
    expectMmError(mem, 'FOREIGN_HANDLE', () => listLruAdd({} as unknown as ListLru<Item>, 5 as unknown as Item));
  });

  it('listLruInit without a Memory is INVALID_ARGUMENT', () => {
    const { mem } = setup([]);
    for (const bad of [{}, null, undefined, 'mem']) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => listLruInit(bad as never));
    }
  });
});

describe('list_lru_walk: isolate runs under the list lock', () => {
  it('a sleeping allocation inside isolate is SLEEP_IN_ATOMIC; GFP_ATOMIC and frees are fine; the context ends with the callback', () => {
    const { mem, lru, get } = setup(['a', 'b']);
    const page = allocPage(mem, GFP_KERNEL)!;
    // Freeing and atomic allocations are what a shrinker's isolate callback may do.
    listLruWalk(
      lru,
      (it) => {
        if (it.name === 'a') freePage(page);
        const q = allocPage(mem, GFP_ATOMIC);
        if (q) freePage(q);
        return LRU_SKIP;
      },
      10,
    );
    // A sleeping GFP (or vmalloc) under the lru lock is refused, and the walk stops with it.
    expectMmError(mem, 'SLEEP_IN_ATOMIC', () => listLruWalk(lru, () => (allocPage(mem, GFP_KERNEL), LRU_SKIP), 10));
    expectMmError(mem, 'SLEEP_IN_ATOMIC', () => listLruWalk(lru, () => (vmalloc(mem, 4096), LRU_SKIP), 10));
    // Out of the walk the machine is in process context again, and the list is unchanged.
    expect(order(lru)).toEqual(['a', 'b']);
    expect(listLruContains(lru, get('a'))).toBe(true);
    const r = allocPage(mem, GFP_KERNEL);
    expect(r).not.toBeNull();
    freePage(r!);
    verifyMemory(mem);
  });
});
