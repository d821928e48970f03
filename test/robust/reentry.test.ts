/**
 * Issue 13, item 12 — a shrinker runs inside the allocation that needed memory; it must not be able
 * to destroy the cache that allocation is taking an object from.
 */
import { expect, it } from 'vitest';
import {
  createMemory,
  kmemCacheAlloc,
  kmemCacheCreate,
  kmemCacheDestroy,
  kmemCacheFree,
  MmError,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  verifyMemory,
  GFP_KERNEL,
} from '../../src/index.js';
import { quiet } from '../helpers.js';
import { drainToMin, emptyPool, freeFromPool } from './pool.js';

it('a shrinker that destroys the cache being allocated from is refused (CACHE_NOT_EMPTY); the object is of a live cache', () => {
  const mem = createMemory({ pages: 1024, ...quiet });
  const cache = kmemCacheCreate(mem, 'victim', 256);
  const pool = drainToMin(mem);
  const seen: string[] = [];
  const s = shrinkerAlloc(mem, 0, 'destroyer');
  s.countObjects = () => pool.length;
  s.scanObjects = (_s, sc) => {
    try {
      kmemCacheDestroy(cache);
      seen.push('destroyed');
    } catch (e) {
      seen.push(e instanceof MmError ? e.code : String(e));
    }
    return freeFromPool(pool, sc);
  };
  shrinkerRegister(s);
  const obj = kmemCacheAlloc(mem, cache, GFP_KERNEL); // the cache has no slab yet: a new one needs reclaim
  expect(obj).not.toBeNull();
  expect(seen.length).toBeGreaterThan(0);
  expect(new Set(seen)).toEqual(new Set(['CACHE_NOT_EMPTY']));
  kmemCacheFree(cache, obj!); // the cache is alive: its object goes back
  kmemCacheDestroy(cache);
  shrinkerFree(s);
  emptyPool(pool);
  verifyMemory(mem);
});
