/**
 * Spinlocks and atomic context at run time: no sleeping allocation while a lock is held (through
 * the atomic context or the outer Memory), no recursion, a context that dies with its lock, and
 * a lock that is released however the callback ends.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  folioAlloc,
  folioPut,
  kmalloc,
  kfree,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  vmalloc,
  vfree,
  pagetableAlloc,
  pagetableFree,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  spinLockInit,
  withSpinLock,
  spinIsLocked,
  dmesg,
  liveAllocations,
  MmError,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_NOWAIT,
  GFP_NOIO,
  GFP_NOFS,
  __GFP_ZERO,
  type AtomicContext,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine() {
  return createMemory({ pages: 1024, ...quiet });
}

describe('withSpinLock', () => {
  it('runs the callback and returns its value', () => {
    const mem = machine();
    const lock = spinLockInit(mem, 'test_lock');
    expect(withSpinLock(lock, () => 42)).toBe(42);
    const p = withSpinLock(lock, (ctx) => allocPage(ctx, GFP_ATOMIC))!;
    expect(p).not.toBeNull();
    freePage(p);
  });

  it('taking the same lock again is INVALID_ARGUMENT (recursion); the lock is usable afterwards', () => {
    const mem = machine();
    const lock = spinLockInit(mem, 'recursive');
    const e = expectMmError(mem, 'INVALID_ARGUMENT', () => withSpinLock(lock, () => withSpinLock(lock, () => 1)));
    expect(e.message).toContain('spinlock recursion');
    expect(e.message).toContain('recursive');
    // Inside, the recursion is caught and the outer lock is still held.
    withSpinLock(lock, (ctx) => {
      expectMmError(mem, 'INVALID_ARGUMENT', () => withSpinLock(lock, () => 1));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPage(mem, GFP_KERNEL));
      const p = allocPage(ctx, GFP_ATOMIC)!;
      freePage(p);
    });
    // Released: sleeping allocations are fine again.
    const p = allocPage(mem, GFP_KERNEL)!;
    freePage(p);
    expect(withSpinLock(lock, () => 'again')).toBe('again');
  });

  it('the context is dead after the callback returned: INVALID_ARGUMENT', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    let saved: AtomicContext | undefined;
    withSpinLock(lock, (ctx) => {
      saved = ctx;
    });
    const e = expectMmError(mem, 'INVALID_ARGUMENT', () => allocPage(saved!, GFP_ATOMIC));
    expect(e.message).toContain('ended');
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioAlloc(saved!, GFP_ATOMIC, 0));
    expectMmError(mem, 'INVALID_ARGUMENT', () => kmalloc(saved!, 64, GFP_ATOMIC));
    expectMmError(mem, 'INVALID_ARGUMENT', () => pagetableAlloc(saved!, GFP_ATOMIC, 0));
    // Even inside a new critical section of the same lock, the old context stays dead.
    withSpinLock(lock, () => {
      expectMmError(mem, 'INVALID_ARGUMENT', () => allocPage(saved!, GFP_ATOMIC));
    });
  });

  it('with the outer Memory inside the lock: sleeping GFP is SLEEP_IN_ATOMIC, GFP_ATOMIC / GFP_NOWAIT fine', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    const Own = defineMemdesc({ name: 'sync_own', ownable: true });
    const cache = kmemCacheCreate(mem, 'sync_cache', 64);
    const got = withSpinLock(lock, () => {
      for (const gfp of [GFP_KERNEL, GFP_NOIO, GFP_NOFS, GFP_KERNEL | __GFP_ZERO]) {
        const e = expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPage(mem, gfp));
        expect(e.message).toContain('sleeping function called from invalid context');
      }
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPages(mem, GFP_KERNEL, 3));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => folioAlloc(mem, GFP_KERNEL, 0));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => kmalloc(mem, 64, GFP_KERNEL));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => kmemCacheAlloc(mem, cache, GFP_KERNEL));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => pagetableAlloc(mem, GFP_KERNEL, 0));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => memdescAlloc(mem, Own, GFP_KERNEL));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => vmalloc(mem, 4096));
      return {
        page: allocPage(mem, GFP_ATOMIC)!,
        nowait: allocPages(mem, GFP_NOWAIT, 1)!,
        folio: folioAlloc(mem, GFP_ATOMIC, 0)!,
        buf: kmalloc(mem, 64, GFP_ATOMIC)!,
        obj: kmemCacheAlloc(mem, cache, GFP_ATOMIC)!,
        pt: pagetableAlloc(mem, GFP_NOWAIT, 0)!,
        own: memdescAlloc(mem, Own, GFP_ATOMIC)!,
      };
    });
    freePage(got.page);
    freePages(got.nowait, 1);
    folioPut(got.folio);
    kfree(got.buf);
    kmemCacheFree(cache, got.obj);
    pagetableFree(got.pt);
    memdescFree(got.own);
    kmemCacheDestroy(cache);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('a sleeping GFP through the atomic context itself is SLEEP_IN_ATOMIC', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    withSpinLock(lock, (ctx) => {
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPage(ctx, GFP_KERNEL as Any));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPages(ctx, GFP_NOIO as Any, 2));
    });
  });

  it('nested different locks are fine; atomic context lasts until the outermost is released', () => {
    const mem = machine();
    const a = spinLockInit(mem, 'a');
    const b = spinLockInit(mem, 'b');
    const c = spinLockInit(mem, 'c');
    const pages = withSpinLock(a, (ca) => {
      const inner = withSpinLock(b, (cb) =>
        withSpinLock(c, (cc) => {
          expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPage(mem, GFP_KERNEL));
          return [allocPage(cc, GFP_ATOMIC)!, allocPage(cb, GFP_ATOMIC)!];
        }),
      );
      // b and c released, a still held: still atomic.
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPage(mem, GFP_KERNEL));
      // And b can be taken again.
      withSpinLock(b, () => undefined);
      return [...inner, allocPage(ca, GFP_ATOMIC)!];
    });
    const p = allocPage(mem, GFP_KERNEL)!;
    for (const q of [...pages, p]) freePage(q);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('an exception inside releases the lock and leaves atomic context', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    expect(() =>
      withSpinLock(lock, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // An MmError from inside too.
    expectMmError(mem, 'SLEEP_IN_ATOMIC', () => withSpinLock(lock, () => allocPage(mem, GFP_KERNEL)));
    expect(withSpinLock(lock, () => 'free again')).toBe('free again');
    const p = allocPage(mem, GFP_KERNEL)!;
    freePage(p);
  });

  it('locks of two machines are independent', () => {
    const mem1 = machine();
    const mem2 = machine();
    const l1 = spinLockInit(mem1);
    const l2 = spinLockInit(mem2);
    withSpinLock(l1, (c1) =>
      withSpinLock(l2, (c2) => {
        const a = allocPage(c1, GFP_ATOMIC)!;
        const b = allocPage(c2, GFP_ATOMIC)!;
        expect(liveAllocations(mem1)).toHaveLength(1);
        expect(liveAllocations(mem2)).toHaveLength(1);
        freePage(a);
        freePage(b);
      }),
    );
  });

  it('bad arguments are INVALID_ARGUMENT', () => {
    const mem = machine();
    expectMmError(mem, 'INVALID_ARGUMENT', () => spinLockInit({} as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => spinLockInit(mem, 42 as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => withSpinLock({} as Any, () => 1));
    expectMmError(mem, 'INVALID_ARGUMENT', () => withSpinLock(spinLockInit(mem), 'fn' as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => allocPage({} as Any, GFP_ATOMIC));
    expectMmError(mem, 'INVALID_ARGUMENT', () => allocPage(spinLockInit(mem) as Any, GFP_ATOMIC));
  });

  it('an async critical section is SLEEP_IN_ATOMIC, refused before it runs (might_sleep())', () => {
    const mem = machine();
    const lock = spinLockInit(mem, 'ring.lock');
    let ran = false;
    expectMmError(mem, 'SLEEP_IN_ATOMIC', () =>
      withSpinLock(lock, async (ctx) => {
        ran = true;
        allocPage(ctx, GFP_ATOMIC);
        await Promise.resolve();
      }),
    );
    expect(ran).toBe(false);
    expect(spinIsLocked(lock)).toBe(false);
    expect(dmesg(mem).join('\n')).toContain('the critical section of ring.lock is an async function');
    // The lock is free again: process context may sleep.
    freePage(allocPage(mem, GFP_KERNEL)!);
  });

  it('a callback that returns a promise is SLEEP_IN_ATOMIC once it returns; the lock is released and the rejection logged', async () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    let ctxSeen: AtomicContext | undefined;
    const later = Promise.reject(new Error('late failure'));
    expectMmError(mem, 'SLEEP_IN_ATOMIC', () =>
      withSpinLock(lock, (ctx) => {
        ctxSeen = ctx;
        return later;
      }),
    );
    expect(spinIsLocked(lock)).toBe(false);
    await later.catch(() => undefined);
    await Promise.resolve();
    expect(dmesg(mem).join('\n')).toContain('late failure');
    // The saved context is dead after the unlock.
    expectMmError(mem, 'INVALID_ARGUMENT', () => allocPage(ctxSeen!, GFP_ATOMIC));
    freePage(allocPage(mem, GFP_KERNEL)!);
  });
});
