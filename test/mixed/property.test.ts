/**
 * Property test across every memdesc at once: random sequences mixing bare pages, folios and
 * their references, kmalloc (small and large), two kmem caches, vmalloc areas and page tables.
 * Each allocation is tagged with a byte at its first and last byte; a tag that changes while its
 * owner holds it means two owners were handed the same memory. Every 100 operations the whole
 * allocator is verified; at the end everything is freed, the caches destroyed and the per-CPU
 * lists drained, and the machine must be exactly as it started.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createMemory,
  allocPages,
  freePages,
  folioAlloc,
  folioGet,
  folioPut,
  folioRefCount,
  folioPage,
  folioLock,
  folioUnlock,
  folioSize,
  getPage,
  putPage,
  kmalloc,
  kfree,
  ksize,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  vmalloc,
  vfree,
  vmallocSize,
  pagetableAlloc,
  pagetableFree,
  ptdescAddress,
  readRaw,
  writeRaw,
  drainAllPages,
  buddyinfo,
  memStats,
  verifyMemory,
  liveAllocations,
  checkLeaks,
  GFP_KERNEL,
  GFP_ATOMIC,
  __GFP_NOWARN,
  __GFP_ZERO,
  PAGE_SIZE,
  type ARef,
  type Folio,
  type KmemCache,
  type Memory,
  type Owned,
  type Page,
  type PtDesc,
  type VmallocArea,
} from '../../src/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const TARGET_OPS = 20_000;
const PER_RUN = 1000;

const enum T {
  Page,
  PageFree,
  Folio,
  FolioGet,
  FolioPut,
  KmallocSmall,
  KmallocLarge,
  Kfree,
  CacheAlloc,
  CacheFree,
  Vmalloc,
  Vfree,
  PtAlloc,
  PtFree,
}

type Op = readonly [t: T, a: number, b: number];

const W: [T, number][] = [
  [T.Page, 6],
  [T.PageFree, 5],
  [T.Folio, 5],
  [T.FolioGet, 3],
  [T.FolioPut, 7],
  [T.KmallocSmall, 8],
  [T.KmallocLarge, 2],
  [T.Kfree, 9],
  [T.CacheAlloc, 8],
  [T.CacheFree, 7],
  [T.Vmalloc, 2],
  [T.Vfree, 2],
  [T.PtAlloc, 3],
  [T.PtFree, 3],
];

const opArb: fc.Arbitrary<Op> = fc.tuple(
  fc.oneof(...W.map(([t, weight]) => ({ weight, arbitrary: fc.constant(t) }))),
  fc.nat(),
  fc.nat(),
);

interface Tagged {
  tag: number;
}
interface LivePage extends Tagged {
  page: Owned<Page>;
  order: number;
}
interface LiveFolio extends Tagged {
  refs: ARef<Folio>[];
  size: number;
}
interface LiveAddr extends Tagged {
  addr: number;
  size: number;
}
interface LiveObj extends LiveAddr {
  cache: 0 | 1;
}
interface LiveArea extends Tagged {
  area: VmallocArea;
  size: number;
}
interface LivePt extends Tagged {
  pt: Owned<PtDesc>;
  order: number;
}

let opsRun = 0;
/** Successful allocations per op kind over all runs: proves every kind was really exercised. */
const succeeded = new Map<T, number>();
const ok = (t: T) => succeeded.set(t, (succeeded.get(t) ?? 0) + 1);
let nextTag = 0;
const newTag = () => (nextTag++ % 255) + 1;

function tagEnds(target: Any, size: number, tag: number): void {
  writeRaw(target, new Uint8Array([tag]), 0);
  writeRaw(target, new Uint8Array([tag]), size - 1);
}

function checkEnds(target: Any, size: number, tag: number, what: string): void {
  const b = new Uint8Array(1);
  readRaw(target, b, 0);
  const first = b[0];
  readRaw(target, b, size - 1);
  if (first !== tag || b[0] !== tag) throw new Error(`${what}: tag ${tag} became ${first}/${b[0]} while owned`);
}

function take<X>(xs: X[], at: number): X {
  const k = at % xs.length;
  const x = xs[k]!;
  xs[k] = xs[xs.length - 1]!;
  xs.pop();
  return x;
}

function runSequence(ops: readonly Op[]): void {
  const mem: Memory = createMemory({ pages: 4096, debug: 'fast', printk: null });
  const initial = buddyinfo(mem);
  const caches: [KmemCache<'mixed_a'>, KmemCache<'mixed_b'>] = [
    kmemCacheCreate(mem, 'mixed_a', 64),
    kmemCacheCreate(mem, 'mixed_b', 700, { align: 64 }),
  ];
  const pages: LivePage[] = [];
  const folios: LiveFolio[] = [];
  const kmallocs: LiveAddr[] = [];
  const objs: LiveObj[] = [];
  const areas: LiveArea[] = [];
  const pts: LivePt[] = [];
  const gfpOf = (b: number) => ((b & 3) === 0 ? GFP_ATOMIC : GFP_KERNEL) | (b & 4 ? __GFP_ZERO : 0) | __GFP_NOWARN;

  const freeFolioRef = (k: number, at: number) => {
    const f = folios[k]!;
    const ref = take(f.refs, at);
    const before = folioRefCount(ref);
    if (before !== f.refs.length + 1) throw new Error(`folio refcount ${before}, model ${f.refs.length + 1}`);
    if (f.refs.length === 0) {
      checkEnds(ref, f.size, f.tag, 'folio');
      take(folios, k);
    }
    if (at & 1) folioPut(ref);
    else putPage(ref);
  };

  ops.forEach(([t, a, b], i) => {
    opsRun++;
    switch (t) {
      case T.Page: {
        const order = a % 4;
        const page = allocPages(mem, gfpOf(b), order);
        if (page !== null) {
          const tag = newTag();
          tagEnds(page, PAGE_SIZE << order, tag);
          pages.push({ page, order, tag });
          ok(t);
        }
        break;
      }
      case T.PageFree:
        if (pages.length > 0) {
          const p = take(pages, a);
          checkEnds(p.page, PAGE_SIZE << p.order, p.tag, 'page');
          freePages(p.page, p.order);
        }
        break;
      case T.Folio: {
        const ref = folioAlloc(mem, gfpOf(b), a % 3);
        if (ref !== null) {
          const tag = newTag();
          const size = folioSize(ref);
          const locked = folioLock(ref);
          tagEnds(locked, size, tag);
          folioUnlock(locked);
          folios.push({ refs: [ref], size, tag });
          ok(t);
        }
        break;
      }
      case T.FolioGet:
        if (folios.length > 0) {
          const f = folios[a % folios.length]!;
          const some = f.refs[b % f.refs.length]!;
          const nr = f.size / PAGE_SIZE;
          f.refs.push(b & 1 ? folioGet(some) : getPage(folioPage(some, (b >> 1) % nr)));
        }
        break;
      case T.FolioPut:
        if (folios.length > 0) freeFolioRef(a % folios.length, b);
        break;
      case T.KmallocSmall:
      case T.KmallocLarge: {
        const size = t === T.KmallocSmall ? 1 + (a % 8192) : 8193 + (a % (60 * 1024));
        const addr = kmalloc(mem, size, gfpOf(b));
        if (addr !== null) {
          const usable = ksize(addr);
          if (usable < size) throw new Error(`ksize ${usable} < ${size}`);
          const tag = newTag();
          tagEnds(addr, size, tag);
          kmallocs.push({ addr, size, tag });
          ok(t);
        }
        break;
      }
      case T.Kfree:
        if (kmallocs.length > 0) {
          const k = take(kmallocs, a);
          checkEnds(k.addr, k.size, k.tag, 'kmalloc');
          kfree(k.addr as Any);
        }
        break;
      case T.CacheAlloc: {
        const which = (a & 1) as 0 | 1;
        const c = caches[which];
        const addr = kmemCacheAlloc(mem, c, gfpOf(b));
        if (addr !== null) {
          const tag = newTag();
          const size = c.objectSize;
          if (b & 4) {
            // __GFP_ZERO: the whole object reads as zero.
            const z = new Uint8Array(size);
            readRaw(addr, z, 0);
            if (z.some((x) => x !== 0)) throw new Error('__GFP_ZERO object not zeroed');
          }
          tagEnds(addr, size, tag);
          objs.push({ addr, size, tag, cache: which });
          ok(t);
        }
        break;
      }
      case T.CacheFree:
        if (objs.length > 0) {
          const o = take(objs, a);
          checkEnds(o.addr, o.size, o.tag, 'slab object');
          // Half through kmemCacheFree, half through kfree (which works on cache objects too).
          if (b & 1) kmemCacheFree(caches[o.cache] as Any, o.addr as Any);
          else kfree(o.addr as Any);
        }
        break;
      case T.Vmalloc: {
        const size = 1 + (a % (8 * PAGE_SIZE));
        const area = vmalloc(mem, size, (b & 4 ? __GFP_ZERO : 0) | GFP_KERNEL | __GFP_NOWARN);
        if (area !== null) {
          if (vmallocSize(area) !== size) throw new Error('vmallocSize');
          const tag = newTag();
          tagEnds(area, size, tag);
          areas.push({ area, size, tag });
          ok(t);
        }
        break;
      }
      case T.Vfree:
        if (areas.length > 0) {
          const v = take(areas, a);
          checkEnds(v.area, v.size, v.tag, 'vmalloc');
          vfree(v.area);
        }
        break;
      case T.PtAlloc: {
        const order = a % 2;
        const pt = pagetableAlloc(mem, gfpOf(b), order);
        if (pt !== null) {
          const tag = newTag();
          tagEnds(ptdescAddress(pt), PAGE_SIZE << order, tag);
          pts.push({ pt, order, tag });
          ok(t);
        }
        break;
      }
      case T.PtFree:
        if (pts.length > 0) {
          const p = take(pts, a);
          checkEnds(ptdescAddress(p.pt), PAGE_SIZE << p.order, p.tag, 'ptdesc');
          pagetableFree(p.pt);
        }
        break;
    }
    if (i % 100 === 99) {
      verifyMemory(mem);
      // The allocator's per-kind page counts are the model's (slab pages are slab's business).
      const k = memStats(mem).byKind;
      const sum = (xs: { order: number }[]) => xs.reduce((s, x) => s + (1 << x.order), 0);
      if (k.bare !== sum(pages)) throw new Error(`bare pages ${k.bare}, model ${sum(pages)}`);
      if (k.folio !== folios.reduce((s, f) => s + f.size / PAGE_SIZE, 0)) throw new Error('folio pages');
      if (k.pgtable !== sum(pts)) throw new Error('pgtable pages');
      if (k.vmalloc !== areas.reduce((s, v) => s + Math.ceil(v.size / PAGE_SIZE), 0)) throw new Error('vmalloc pages');
      if ((k.slab === 0) !== (objs.length === 0 && kmallocs.every((x) => x.size > 8192))) throw new Error('slab pages');
    }
  });

  verifyMemory(mem);
  // Free everything, in a shuffled-enough order.
  while (folios.length > 0) freeFolioRef(folios.length - 1, folios.length);
  for (const p of pages) freePages(p.page, p.order);
  for (const k of kmallocs) kfree(k.addr as Any);
  for (const o of objs) kmemCacheFree(caches[o.cache] as Any, o.addr as Any);
  for (const v of areas) vfree(v.area);
  for (const p of pts) pagetableFree(p.pt);
  kmemCacheDestroy(caches[0]);
  kmemCacheDestroy(caches[1]);
  drainAllPages(mem);
  verifyMemory(mem);
  expect(liveAllocations(mem)).toEqual([]);
  checkLeaks(mem);
  expect(buddyinfo(mem)).toBe(initial);
}

describe('every memdesc together (fast-check)', () => {
  it(`keeps every invariant over ${TARGET_OPS} random mixed operations and ends where it started`, () => {
    opsRun = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: PER_RUN, maxLength: PER_RUN }), (ops) => runSequence(ops)),
      { numRuns: Math.ceil(TARGET_OPS / PER_RUN) },
    );
    expect(opsRun).toBeGreaterThanOrEqual(TARGET_OPS);
    for (const t of [T.Page, T.Folio, T.KmallocSmall, T.KmallocLarge, T.CacheAlloc, T.Vmalloc, T.PtAlloc]) {
      expect(succeeded.get(t) ?? 0, `successful allocations of op ${t}`).toBeGreaterThan(100);
    }
  });

  it('survives memory pressure: a small machine where many allocations fail', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 300, maxLength: 300 }), (ops) => {
        // The same sequences against a machine small enough that large requests fail often.
        runSmall(ops);
      }),
      { numRuns: 10 },
    );
  });
});

/** A variant on a 512-page machine: allocation failures (null) must leave nothing behind. */
function runSmall(ops: readonly Op[]): void {
  const mem: Memory = createMemory({ pages: 512, debug: 'fast', printk: null });
  const initial = buddyinfo(mem);
  const held: (() => void)[] = [];
  for (const [t, a, b] of ops) {
    switch (t) {
      case T.Vmalloc:
      case T.KmallocLarge: {
        const size = 1 + ((a * 7919) % (600 * PAGE_SIZE));
        if (t === T.Vmalloc) {
          const v = vmalloc(mem, size, GFP_KERNEL | __GFP_NOWARN);
          if (v !== null) held.push(() => vfree(v));
        } else {
          const k = kmalloc(mem, size, GFP_KERNEL | __GFP_NOWARN);
          if (k !== null) held.push(() => kfree(k as Any));
        }
        break;
      }
      case T.Folio: {
        const f = folioAlloc(mem, GFP_KERNEL | __GFP_NOWARN, a % 8);
        if (f !== null) held.push(() => folioPut(f));
        break;
      }
      default: {
        if (held.length > 0 && b % 3 === 0) take(held, a)();
        else {
          const p = allocPages(mem, GFP_ATOMIC | __GFP_NOWARN, a % 6);
          if (p !== null) held.push(() => freePages(p, a % 6));
        }
      }
    }
  }
  verifyMemory(mem);
  for (const free of held) free();
  drainAllPages(mem);
  verifyMemory(mem);
  checkLeaks(mem);
  expect(buddyinfo(mem)).toBe(initial);
}
