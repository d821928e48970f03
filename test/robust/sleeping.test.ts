/**
 * Issue 13, item 14 — kernel fidelity: calls that may sleep in the kernel are SLEEP_IN_ATOMIC under
 * a spinlock, and __GFP_NOFAIL at OOM does what mm/page_alloc.c does as far as a single task can.
 */
import { describe, expect, it } from 'vitest';
import {
  allocPage,
  allocPages,
  createMemory,
  dmesg,
  drainAllPages,
  freePage,
  freePages,
  kmemCacheCreate,
  kmemCacheDestroy,
  kswapd,
  spinLockInit,
  vfree,
  vmalloc,
  withSpinLock,
  verifyMemory,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  spinIsLocked,
  MmError,
  SHRINK_STOP,
  GFP_KERNEL,
  GFP_NOWAIT,
  __GFP_NOFAIL,
  __GFP_NOWARN,
  type Owned,
  type Page,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';
import { drainToMin, emptyPool, freeFromPool } from './pool.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('calls that may sleep are refused under a spinlock', () => {
  it('vfree, kmemCacheCreate, kmemCacheDestroy and drainAllPages: SLEEP_IN_ATOMIC, nothing changed', () => {
    const mem = createMemory({ pages: 4096, ...quiet });
    const lock = spinLockInit(mem);
    const area = vmalloc(mem, 3 * 4096)!;
    const cache = kmemCacheCreate(mem, 'sleepy', 64);
    freePage(allocPage(mem, GFP_KERNEL)!); // something on the per-CPU list for drainAllPages to move
    withSpinLock(lock, () => {
      for (const [name, call] of [
        ['vfree', () => vfree(area)],
        ['kmemCacheCreate', () => kmemCacheCreate(mem, 'other', 32)],
        ['kmemCacheDestroy', () => kmemCacheDestroy(cache)],
        ['drainAllPages', () => drainAllPages(mem)],
      ] as const) {
        const e = expectMmError(mem, 'SLEEP_IN_ATOMIC', call);
        expect(e.message).toContain('sleeping function called from invalid context');
        expect(e.message).toContain(`${name}`);
      }
    });
    // Outside the lock they work, and the cache and the area are as they were.
    vfree(area);
    kmemCacheDestroy(cache);
    drainAllPages(mem);
    verifyMemory(mem);
  });
});

describe('kswapd is its own thread', () => {
  it('under a spinlock it runs as on another CPU: its shrinkers find the lock held, and may sleep', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const lock = spinLockInit(mem, 'range');
    const pool = drainToMin(mem);
    const seen: { locked: boolean; sleepingAlloc: string }[] = [];
    const s = shrinkerAlloc(mem, 0, 'trylock');
    s.countObjects = () => pool.length;
    s.scanObjects = (_s, sc) => {
      let sleepingAlloc = 'ok';
      try {
        const q = allocPage(mem, GFP_KERNEL); // kswapd's context may sleep
        if (q) freePage(q);
      } catch (e) {
        sleepingAlloc = (e as MmError).code;
      }
      seen.push({ locked: spinIsLocked(lock), sleepingAlloc });
      if (spinIsLocked(lock)) return SHRINK_STOP; // spin_trylock() failed: the lock is held elsewhere
      return freeFromPool(pool, sc);
    };
    shrinkerRegister(s);
    const freedUnderLock = withSpinLock(lock, () => kswapd(mem));
    expect(freedUnderLock).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((x) => x.locked && x.sleepingAlloc === 'ok')).toBe(true);
    expect(kswapd(mem)).toBeGreaterThan(0); // the lock released: now it frees
    shrinkerFree(s);
    emptyPool(pool);
    verifyMemory(mem);
  });
});

describe('__GFP_NOFAIL at OOM', () => {
  function exhausted() {
    const lines: string[] = [];
    const mem = createMemory({ pages: 1024, printk: (l) => lines.push(l) });
    const held: Owned<Page<0>>[] = [];
    for (;;) {
      const p = allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
      if (p === null) break;
      held.push(p);
    }
    lines.length = 0;
    return { mem, held, lines };
  }

  it('may dip into every reserve (what the OOM path grants a __GFP_NOFAIL allocation) before it gives up', () => {
    const { mem, held } = exhausted();
    const p = allocPage(mem, GFP_KERNEL | __GFP_NOFAIL);
    expect(p).not.toBeNull(); // the reserve below the min watermark serves it
    freePage(p!);
    for (const q of held) freePage(q);
    verifyMemory(mem);
  });

  it('when nothing at all is left it returns null, once warned that the kernel would retry forever', () => {
    const { mem, held, lines } = exhausted();
    const extra: Owned<Page<0>>[] = [];
    for (;;) {
      const p = allocPage(mem, GFP_KERNEL | __GFP_NOFAIL);
      if (p === null) break;
      extra.push(p);
    }
    expect(extra.length).toBeGreaterThan(0);
    const warn = lines.filter((l) => l.startsWith('WARNING:'));
    expect(warn.some((l) => l.includes('__GFP_NOFAIL') && l.includes('retry forever'))).toBe(true);
    expect(lines.some((l) => l.includes('page allocation failure: order:0'))).toBe(true);
    // WARN_ON_ONCE: a second failure adds no second warning.
    const before = lines.filter((l) => l.startsWith('WARNING:')).length;
    expect(allocPage(mem, GFP_KERNEL | __GFP_NOFAIL)).toBeNull();
    expect(lines.filter((l) => l.startsWith('WARNING:')).length).toBe(before);
    for (const q of [...held, ...extra]) freePage(q);
    verifyMemory(mem);
  });

  it('__GFP_NOFAIL without __GFP_DIRECT_RECLAIM, or of an order above 1, is warned about as the kernel does', () => {
    const { mem, held, lines } = exhausted();
    expect(allocPage(mem, GFP_NOWAIT | __GFP_NOFAIL)).toBeNull(); // the kernel fails it too: it cannot reclaim
    expect(dmesg(mem).some((l) => l.startsWith('WARNING:') && l.includes('without __GFP_DIRECT_RECLAIM'))).toBe(true);
    const big = allocPages(mem, GFP_KERNEL | __GFP_NOFAIL, 2); // served from the reserves, or null
    expect(lines.some((l) => l.startsWith('WARNING:') && l.includes('order 2'))).toBe(true);
    if (big) freePages(big, 2);
    for (const q of held) freePage(q);
    verifyMemory(mem);
  });
});

export type { Any };
