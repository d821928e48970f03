/**
 * The hostile-argument sweep (issue 13, "Keep it fixed"), part of `npm test`.
 *
 * Every function the package exports — read from the export lists of src/index.ts (`memdesc`) and
 * src/trace/index.ts (`memdesc/trace`), so a new export is swept the day it lands — is
 * called with hostile values in each argument position and valid values in the others: undefined,
 * null, NaN, ±0, 1.5, 2^31, 2^53, ±Infinity, strings, `{}`, `[]`, a Proxy that throws on every trap,
 * a revoked Proxy, a Symbol, a BigInt, `Object.create(valid)`, a spread copy of the valid value, and
 * every handle of the wrong kind or (where the argument must match another one's machine) of
 * another Memory. Each call must throw an MmError with a stable code and a message that names the
 * call — or return what `documented` lists for that function, with the reason — and leave both
 * machines exactly as they were (memmap, free lists, per-CPU lists, contents, counters, clock:
 * `fingerprint`; reclaim and list_lru state; `verifyMemory`). It must also run none of the hostile
 * Proxy's traps unless the argument is an options object whose fields have to be read.
 *
 * Then every export that takes a Memory, a context, a KmemCache, a ListLru, a Shrinker or a handle
 * is called with its valid arguments frozen (`Object.freeze`, as Immer and Redux Toolkit do to
 * anything in a store) and must behave exactly as with unfrozen ones, on a twin machine.
 *
 * Cases that fail because of items other branches own are listed, with the item, in
 * PENDING_ON_OTHER_BRANCHES: each must still fail (so the list cannot go stale); everything else
 * must pass.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import {
  allocPage,
  allocPages,
  createMemory,
  defineMemdesc,
  folioAlloc,
  folioLock,
  folioPage,
  freePage,
  intoShared,
  kmalloc,
  kmemCacheAlloc,
  kmemCacheCreate,
  listLruAdd,
  listLruCount,
  listLruInit,
  memdescAlloc,
  MmError,
  MM_ERROR_CODES,
  pageAddress,
  pageFolio,
  pagetableAlloc,
  reclaimStats,
  shrinkerAlloc,
  spinIsLocked,
  spinLockInit,
  verifyMemory,
  vmalloc,
  vmallocToPage,
  withSpinLock,
  GFP_ATOMIC,
  GFP_KERNEL,
  LRU_SKIP,
  __GFP_ZERO,
  type Memory,
} from '../../src/index.js';
import { fingerprint, snapshot } from '../helpers.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// ------------------------------------------------------------------------------ the export list

const exported = new Map<string, unknown>(Object.entries(core));
const traceEntry = new URL('../../src/trace/index.ts', import.meta.url);
if (existsSync(traceEntry)) {
  for (const [name, value] of Object.entries((await import(traceEntry.href)) as Record<string, unknown>)) exported.set(name, value);
}

const isClass = (f: unknown): boolean => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

// ------------------------------------------------------------------------------ the world

const OwnT = defineMemdesc({ name: 'sweep_owned', ownable: true });
const RefT = defineMemdesc({ name: 'sweep_aref', alwaysRefCounted: true });
const OrcT = defineMemdesc({ name: 'sweep_orc', ownable: true, refcounted: true });

/** A tiny, valid ftrace kmem trace (one alloc, one free). */
const TRACE = new TextEncoder().encode(
  '  cat-1 [000] ..... 1.0: mm_page_alloc: page=(____ptrval____) pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n' +
    '  cat-1 [000] ..... 1.1: mm_page_free: page=(____ptrval____) pfn=0x100 order=0\n',
);

/** One machine with one live object of every kind. Built the same way every time (twins match). */
function side(mem: Memory) {
  const p0 = allocPage(mem, GFP_KERNEL)!;
  const p2 = allocPages(mem, GFP_KERNEL, 2)!;
  const stale = allocPage(mem, GFP_KERNEL)!;
  freePage(stale);
  const f = folioAlloc(mem, GFP_KERNEL, 1)!;
  const fBorrow = pageFolio(folioPage(f, 0))!;
  const fPage = folioPage(f, 1);
  const g = folioAlloc(mem, GFP_KERNEL, 0)!;
  const gLocked = folioLock(g);
  const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
  const cache = kmemCacheCreate(mem, 'sweep_cache', 64);
  const obj = kmemCacheAlloc(mem, cache, GFP_KERNEL)!;
  const ks = kmalloc(mem, 64, GFP_KERNEL)!;
  const kl = kmalloc(mem, 3 * 4096, GFP_KERNEL)!;
  const va = vmalloc(mem, 2 * 4096)!;
  const vaPage = vmallocToPage(va);
  const own = memdescAlloc(mem, OwnT, GFP_KERNEL)!;
  const ref = memdescAlloc(mem, RefT, GFP_KERNEL)!;
  const orcOwned = memdescAlloc(mem, OrcT, GFP_KERNEL)!;
  const orcShared = intoShared(memdescAlloc(mem, OrcT, GFP_KERNEL)!);
  const lru = listLruInit<object>(mem);
  const item = { sweep: true };
  listLruAdd(lru, item);
  const shrinker = shrinkerAlloc(mem, 0, 'sweep');
  shrinker.countObjects = () => 0;
  shrinker.scanObjects = () => 0;
  const lock = spinLockInit(mem, 'sweep');
  let deadCtx: unknown;
  withSpinLock(lock, (ctx) => {
    deadCtx = ctx;
  });
  return { mem, p0, p2, stale, f, fBorrow, fPage, gLocked, pt, cache, obj, ks, kl, va, vaPage, own, ref, orcOwned, orcShared, lru, item, shrinker, lock, deadCtx, addr: pageAddress(p0) };
}
type Side = ReturnType<typeof side>;
interface World extends Side {
  /** The other machine, with the same objects. */
  readonly x: Side;
}

function world(): World {
  // The first machine runs with page_owner (its reports carry allocation sites), the other without.
  const a = side(createMemory({ pages: 512, printk: null }));
  const b = side(createMemory({ pages: 512, printk: null, debug: 'fast' }));
  return { ...a, x: b };
}

/** Everything a bad call must not change, as one string. */
function state(w: World): string {
  const part = (s: Side) =>
    [fingerprint(s.mem), listLruCount(s.lru), JSON.stringify(reclaimStats(s.mem)), spinIsLocked(s.lock)].join('|');
  return part(w) + '||' + part(w.x);
}

/**
 * Which parts of the machine a call changed (for the failure message only). A call always starts
 * from a fresh world (the sweep rebuilds it after anything that changed it), so "before" is what a
 * fresh world looks like.
 */
function changedParts(w: World): string {
  const fresh = world();
  const before = [snapshot(fresh.mem), snapshot(fresh.x.mem)] as const;
  const after = [snapshot(w.mem), snapshot(w.x.mem)] as const;
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const b = before[i] as unknown as Record<string, unknown>;
    const a = after[i] as Record<string, unknown>;
    for (const k of Object.keys(a)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${i === 0 ? 'memory' : 'other memory'}.${k}`);
  }
  return out.join(', ') || 'list_lru, reclaim or lock state';
}

// ------------------------------------------------------------------------------ hostile values

const trap = { calls: 0 };
function throwingProxy(target: object = {}): object {
  const fail = (): never => {
    trap.calls++;
    throw new Error('hostile Proxy trap');
  };
  return new Proxy(target, {
    get: fail,
    set: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    defineProperty: fail,
    deleteProperty: fail,
    getPrototypeOf: fail,
    setPrototypeOf: fail,
    isExtensible: fail,
    preventExtensions: fail,
    apply: fail,
    construct: fail,
  });
}
function revokedProxy(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

/** The values every argument position is tried with (fresh objects for every call). */
const HOSTILE: readonly (readonly [string, () => unknown])[] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['NaN', () => NaN],
  ['0', () => 0],
  ['-0', () => -0],
  ['1.5', () => 1.5],
  ['2^31', () => 2 ** 31],
  ['2^53', () => 2 ** 53],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['""', () => ''],
  ['"memdesc"', () => 'memdesc'],
  ['true', () => true],
  ['{}', () => ({})],
  ['[]', () => []],
  ['a throwing Proxy', () => throwingProxy()],
  ['a revoked Proxy', revokedProxy],
  ['a Symbol', () => Symbol('hostile')],
  ['a BigInt', () => 10n],
];

interface Candidate {
  readonly label: string;
  readonly value: unknown;
  readonly tags: readonly string[];
  /** 2: an object of the other machine. */
  readonly machine: 1 | 2;
}

/** Every object of the world, with the argument kinds it is valid for. */
function fixtures(w: World): Candidate[] {
  const of = (s: Side, machine: 1 | 2): Candidate[] => {
    const m = machine === 2 ? "the other machine's " : '';
    const c = (label: string, value: unknown, tags: string[]): Candidate => ({ label: m + label, value, tags, machine });
    return [
      c('Memory', s.mem, ['memory', 'ctx']),
      c('dead atomic context', s.deadCtx, []),
      c('order-0 page', s.p0, ['page', 'target', 'owned-bare-0']),
      c('order-2 page', s.p2, ['page', 'target', 'owned-bare-2']),
      c('freed page handle', s.stale, []),
      c('folio ARef', s.f, ['page', 'target', 'folio', 'folio-ref', 'in-folio']),
      c('folio borrow', s.fBorrow, ['page', 'target', 'folio', 'in-folio']),
      c('folio page', s.fPage, ['page', 'target', 'in-folio']),
      c('folio lock guard', s.gLocked, ['page', 'target', 'folio', 'locked', 'in-folio']),
      c('ptdesc', s.pt, ['page', 'target', 'ptdesc']),
      c('Owned memdesc', s.own, ['page', 'target', 'memdesc', 'memdesc-owned']),
      c('ARef of an AlwaysRefCounted memdesc', s.ref, ['page', 'target', 'memdesc', 'memdesc-ref']),
      c('Owned OwnableRefCounted memdesc', s.orcOwned, ['page', 'target', 'memdesc', 'memdesc-owned', 'orc-owned']),
      c('ARef of an OwnableRefCounted memdesc', s.orcShared, ['page', 'target', 'memdesc', 'memdesc-ref', 'orc-shared']),
      c('vmalloc page borrow', s.vaPage, ['page', 'target']),
      c('page address', s.addr, ['number', 'target', 'addr']),
      c('slab object', s.obj, ['number', 'target', 'addr', 'slab-obj', 'kmalloc-ptr']),
      c('kmalloc-64 object', s.ks, ['number', 'target', 'addr', 'kmalloc-ptr']),
      c('large kmalloc', s.kl, ['number', 'target', 'addr', 'kmalloc-ptr']),
      c('vmalloc area', s.va, ['number', 'target', 'vmalloc-area']),
      c('kmem_cache', s.cache, ['cache']),
      c('list_lru', s.lru, ['lru']),
      c('shrinker', s.shrinker, ['shrinker']),
      c('spinlock', s.lock, ['lock']),
    ];
  };
  return [...of(w, 1), ...of(w.x, 2), { label: 'memdesc type', value: OwnT, tags: ['desc'], machine: 1 }];
}

/** Argument kinds whose value is a plain number: the fixtures that are numbers are not hostile there. */
const NUMBER_KINDS = new Set(['gfp', 'order', 'num']);
/** Kinds whose objects must be read (option fields, an async iterable's method): a Proxy's traps may run. */
const READS_FIELDS = new Set(['options', 'source']);
/** Kinds for which any object is valid, or whose objects are read field by field. */
const OBJECT_KINDS = new Set(['item', 'options']);

// ------------------------------------------------------------------------------ the specs

interface Param {
  /** What the position takes (a fixture tag, or one of 'gfp' 'order' 'num' 'string' 'options' 'fn' 'bytes' 'item' 'source' 'any'). */
  readonly kind: string;
  readonly valid: (w: World) => unknown;
  /** The same kind of the other machine is refused too (the argument must match another's machine). */
  readonly foreign?: boolean;
}

/** A hostile value a function accepts, and why. */
interface Documented {
  readonly pos: number;
  readonly labels: readonly string[];
  readonly why: string;
  /** Checks what it returned (default: anything); the world is rebuilt afterwards. */
  readonly check?: (result: unknown) => void;
}

interface Spec {
  readonly params: readonly Param[];
  readonly documented?: readonly Documented[];
  /** Every call returns, whatever the arguments (the reason, and a check of each result). */
  readonly total?: { readonly why: string; readonly check: (result: unknown) => void };
  /** Called with `new`. */
  readonly construct?: boolean;
  /** How to call it, when not `fn(...args)` (a method). */
  readonly call?: (args: unknown[]) => unknown;
}

const P = {
  mem: { kind: 'memory', valid: (w: World) => w.mem } as Param,
  ctx: { kind: 'ctx', valid: (w: World) => w.mem } as Param,
  gfp: { kind: 'gfp', valid: () => GFP_KERNEL } as Param,
  order1: { kind: 'order', valid: () => 1 } as Param,
  page: { kind: 'page', valid: (w: World) => w.p0 } as Param,
  folio: { kind: 'folio', valid: (w: World) => w.f } as Param,
  folioRef: { kind: 'folio-ref', valid: (w: World) => w.f } as Param,
  cache: { kind: 'cache', valid: (w: World) => w.cache } as Param,
  lru: { kind: 'lru', valid: (w: World) => w.lru } as Param,
  item: { kind: 'item', valid: (w: World) => w.item } as Param,
  shrinker: { kind: 'shrinker', valid: (w: World) => w.shrinker } as Param,
  lock: { kind: 'lock', valid: (w: World) => w.lock } as Param,
  ptdesc: { kind: 'ptdesc', valid: (w: World) => w.pt } as Param,
  memdesc: { kind: 'memdesc', valid: (w: World) => w.own } as Param,
  area: { kind: 'vmalloc-area', valid: (w: World) => w.va } as Param,
  kptr: { kind: 'kmalloc-ptr', valid: (w: World) => w.ks } as Param,
  target: { kind: 'target', valid: (w: World) => w.p0 } as Param,
  fn: (f: (...a: Any[]) => unknown): Param => ({ kind: 'fn', valid: () => f }),
  num: (n: number): Param => ({ kind: 'num', valid: () => n }),
  str: (s: string): Param => ({ kind: 'string', valid: () => s }),
  opts: (o: () => object): Param => ({ kind: 'options', valid: o }),
};

const ZERO_IS_A_GFP = 'gfp 0 (no flags: may not sleep, no zeroing) is a valid GFP value; ±0 is 0';
const ZERO_IS_AN_ORDER = 'order 0 is a valid order; ±0 is 0';
const returnsPage = (r: unknown) => expect(String(r)).toMatch(/^Page\(/);
const gfpZero = (pos: number, check: (r: unknown) => void = returnsPage): Documented => ({ pos, labels: ['0', '-0'], why: ZERO_IS_A_GFP, check });

const SPECS: Record<string, Spec> = {
  // page-alloc
  createMemory: {
    params: [P.opts(() => ({ pages: 64, printk: null }))],
    documented: [{ pos: 0, labels: ['undefined', '{}'], why: 'no options, or none set: the default machine (256 MiB)', check: (r) => expect((r as Memory).nrPages).toBe(65536) }],
  },
  allocPages: {
    params: [P.ctx, P.gfp, P.order1],
    documented: [gfpZero(1), { pos: 2, labels: ['0', '-0'], why: ZERO_IS_AN_ORDER, check: returnsPage }],
  },
  allocPage: { params: [P.ctx, P.gfp], documented: [gfpZero(1)] },
  freePages: { params: [{ kind: 'owned-bare-2', valid: (w) => w.p2 }, { kind: 'order', valid: () => 2 }] },
  freePage: { params: [{ kind: 'owned-bare-0', valid: (w) => w.p0 }] },
  pageToPfn: { params: [P.page] },
  pageAddress: { params: [P.page] },
  pageOffset: { params: [P.mem] },
  virtToPage: { params: [{ kind: 'addr', valid: (w) => w.addr }] },
  pfnToPage: {
    params: [P.mem, P.num(1)],
    documented: [{ pos: 1, labels: ['0', '-0'], why: 'pfn 0 is a page frame of the machine', check: returnsPage }],
  },
  drainAllPages: { params: [P.mem] },
  failPageAlloc: {
    params: [P.mem, P.opts(() => ({ failNth: 3 }))],
    documented: [{ pos: 1, labels: ['{}'], why: 'no field set: fault injection off', check: (r) => expect(r).toBeUndefined() }],
  },
  failPageAllocInjected: { params: [P.mem] },
  // sync
  spinLockInit: {
    params: [P.mem, P.str('sweep_lock')],
    documented: [{ pos: 1, labels: ['undefined', '""', '"memdesc"'], why: 'the name is optional and any string names a lock (lockdep class names)' }],
  },
  withSpinLock: { params: [P.lock, P.fn(() => 0)] },
  spinIsLocked: { params: [P.lock] },
  // contents
  readRaw: {
    params: [P.target, { kind: 'bytes', valid: () => new Uint8Array(4) }, P.num(8)],
    documented: [{ pos: 2, labels: ['0', '-0'], why: 'offset 0 is in bounds', check: (r) => expect(r).toBeUndefined() }],
  },
  writeRaw: {
    params: [P.target, { kind: 'bytes', valid: () => new Uint8Array(4) }, P.num(8)],
    documented: [{ pos: 2, labels: ['0', '-0'], why: 'offset 0 is in bounds', check: (r) => expect(r).toBeUndefined() }],
  },
  fillZeroRaw: {
    params: [P.target, P.num(8), P.num(4)],
    documented: [
      { pos: 1, labels: ['0', '-0'], why: 'offset 0 is in bounds', check: (r) => expect(r).toBeUndefined() },
      { pos: 2, labels: ['0', '-0'], why: 'zeroing 0 bytes is allowed (and does nothing)', check: (r) => expect(r).toBeUndefined() },
    ],
  },
  withPageMapped: { params: [P.page, P.fn((view: Uint8Array) => view[0])] },
  // folio
  folioAlloc: { params: [P.ctx, P.gfp, P.order1], documented: [gfpZero(1), { pos: 2, labels: ['0', '-0'], why: ZERO_IS_AN_ORDER, check: returnsPage }] },
  folioGet: { params: [P.folio] },
  folioTryGet: {
    params: [P.folio],
    documented: [
      {
        pos: 0,
        labels: ['freed page handle', "the other machine's freed page handle"],
        why: "a handle whose block is gone: null, folio_try_get()'s answer for a folio freed since the borrow was taken (a stale handle cannot tell what it was)",
        check: (r) => expect(r).toBeNull(),
      },
    ],
  },
  folioPut: { params: [P.folioRef] },
  getPage: { params: [{ kind: 'in-folio', valid: (w) => w.fPage }] },
  putPage: { params: [P.folioRef] },
  folioRefCount: { params: [P.folio] },
  folioOrder: { params: [P.folio] },
  folioNrPages: { params: [P.folio] },
  folioSize: { params: [P.folio] },
  folioPfn: { params: [P.folio] },
  folioAddress: { params: [P.folio] },
  folioPage: {
    params: [P.folio, P.num(1)],
    documented: [{ pos: 1, labels: ['0', '-0'], why: 'page 0 is the head page of the folio', check: returnsPage }],
  },
  pageFolio: { params: [P.page] },
  folioLock: { params: [P.folio] },
  folioTrylock: { params: [P.folio] },
  folioUnlock: { params: [{ kind: 'locked', valid: (w) => w.gLocked }] },
  folioMapcount: { params: [P.folio] },
  folioAddRmapPte: { params: [P.folio] },
  folioRemoveRmapPte: { params: [P.folio] },
  // slab
  kmemCacheCreate: {
    params: [P.mem, P.str('sweep_new'), P.num(64), P.opts(() => ({ align: 16 }))],
    documented: [
      { pos: 1, labels: ['"memdesc"'], why: 'a cache name is any string of 1..64 characters' },
      { pos: 3, labels: ['undefined', '{}'], why: 'no options, or none set: the default alignment (8)' },
    ],
  },
  kmemCacheAlloc: {
    params: [{ ...P.ctx, foreign: true }, { ...P.cache, foreign: true }, P.gfp],
    documented: [gfpZero(2, (r) => expect(typeof r).toBe('number'))],
  },
  kmemCacheFree: { params: [{ ...P.cache, foreign: true }, { kind: 'slab-obj', valid: (w) => w.obj, foreign: true }] },
  kmemCacheDestroy: { params: [P.cache] },
  calculateOrder: { params: [P.num(64)] },
  // kmalloc
  kmalloc: {
    params: [P.ctx, P.num(64), P.gfp],
    documented: [
      { pos: 1, labels: ['2^31'], why: 'larger than KMALLOC_MAX_SIZE (4 MiB): null and a WARNING, as the kernel', check: (r) => expect(r).toBeNull() },
      gfpZero(2, (r) => expect(typeof r).toBe('number')),
    ],
  },
  kfree: { params: [P.kptr] },
  ksize: { params: [P.kptr] },
  // vmalloc
  vmalloc: {
    params: [P.ctx, P.num(4096), P.gfp],
    documented: [
      { pos: 1, labels: ['2^31'], why: 'more pages than the machine has: null and a "vmalloc error" line, as the kernel', check: (r) => expect(r).toBeNull() },
      { pos: 2, labels: ['undefined'], why: 'gfp is optional: GFP_KERNEL', check: (r) => expect(typeof r).toBe('number') },
      gfpZero(2, (r) => expect(typeof r).toBe('number')),
    ],
  },
  vfree: { params: [P.area] },
  vmallocToPage: { params: [{ kind: 'vmalloc-area', valid: (w) => w.va }] },
  vmallocPageIter: { params: [P.area] },
  vmallocSize: { params: [P.area] },
  // list_lru
  listLruInit: { params: [P.mem] },
  listLruAdd: { params: [P.lru, P.item] },
  listLruDel: { params: [P.lru, P.item] },
  listLruCount: { params: [P.lru] },
  listLruWalk: {
    params: [P.lru, P.fn(() => LRU_SKIP), P.num(1)],
    documented: [
      { pos: 2, labels: ['0', '-0'], why: 'a budget of 0 walks nothing', check: (r) => expect(r).toBe(0) },
      { pos: 2, labels: ['2^31'], why: 'a budget larger than the list walks all of it', check: (r) => expect(r).toBe(0) },
    ],
  },
  listLruContains: { params: [P.lru, P.item] },
  // shrinkers, reclaim
  shrinkerAlloc: {
    params: [P.mem, P.num(0), P.str('sweep_new')],
    documented: [
      { pos: 1, labels: ['0', '-0', '2^31'], why: 'flags are any unsigned 32-bit value (recorded only)' },
      { pos: 2, labels: ['"memdesc"'], why: 'a shrinker name is any non-empty string' },
    ],
  },
  shrinkerRegister: { params: [P.shrinker] },
  shrinkerFree: { params: [P.shrinker] },
  kswapd: { params: [P.mem] },
  reclaimStats: { params: [P.mem] },
  // page tables
  pagetableAlloc: { params: [P.ctx, P.gfp, P.order1], documented: [gfpZero(1), { pos: 2, labels: ['0', '-0'], why: ZERO_IS_AN_ORDER, check: returnsPage }] },
  pagetableFree: { params: [P.ptdesc] },
  ptdescPage: { params: [P.ptdesc] },
  ptdescAddress: { params: [P.ptdesc] },
  pagePtdesc: { params: [P.page] },
  // memdescs
  defineMemdesc: {
    params: [P.opts(() => ({ name: 'sweep_defined', ownable: true })), P.fn(() => undefined)],
    documented: [{ pos: 1, labels: ['undefined'], why: 'the release hook is optional' }],
  },
  memdescAlloc: {
    params: [P.ctx, { kind: 'desc', valid: () => OwnT }, P.gfp],
    documented: [gfpZero(2)],
  },
  memdescFree: { params: [{ kind: 'memdesc-owned', valid: (w) => w.own }] },
  memdescGet: { params: [{ kind: 'memdesc-ref', valid: (w) => w.ref }] },
  memdescPut: { params: [{ kind: 'memdesc-ref', valid: (w) => w.ref }] },
  memdescRefCount: { params: [P.memdesc] },
  memdescPage: {
    params: [P.memdesc, P.num(0)],
    documented: [{ pos: 1, labels: ['0', '-0'], why: 'page 0 of an order-0 instance', check: returnsPage }],
  },
  memdescAddress: { params: [P.memdesc] },
  pageMemdesc: { params: [P.page, { kind: 'desc', valid: () => OwnT }] },
  intoShared: { params: [{ kind: 'orc-owned', valid: (w) => w.orcOwned }] },
  tryFromShared: { params: [{ kind: 'orc-shared', valid: (w) => w.orcShared }] },
  // debug, /proc
  liveAllocations: { params: [P.mem] },
  checkLeaks: { params: [P.mem] },
  verifyMemory: { params: [P.mem] },
  buddyinfo: { params: [P.mem] },
  memStats: { params: [P.mem] },
  meminfo: { params: [P.mem] },
  dmesg: { params: [P.mem] },
  // GFP helpers
  gfpToString: {
    params: [{ kind: 'gfp', valid: () => GFP_KERNEL }],
    documented: [{ pos: 0, labels: ['0', '-0', '2^31'], why: 'any gfp_t prints (0 as "none", unknown bits in hex, as %pGg)', check: (r) => expect(typeof r).toBe('string') }],
  },
  parseGfp: {
    params: [P.str('GFP_KERNEL')],
    documented: [{ pos: 0, labels: ['""', '"memdesc"'], why: 'a text that names no GFP flags parses to undefined', check: (r) => expect(r).toBeUndefined() }],
  },
  gfpflagsAllowBlocking: {
    params: [{ kind: 'gfp', valid: () => GFP_KERNEL }],
    documented: [{ pos: 0, labels: ['0', '-0', '2^31'], why: 'any gfp_t can be asked (these have no __GFP_DIRECT_RECLAIM)', check: (r) => expect(r).toBe(false) }],
  },
  gfp: {
    params: [{ kind: 'gfp', valid: () => GFP_ATOMIC }, { kind: 'gfp', valid: () => __GFP_ZERO }],
    documented: [
      { pos: 0, labels: ['0', '-0'], why: ZERO_IS_A_GFP, check: (r) => expect(r).toBe(__GFP_ZERO) },
      { pos: 1, labels: ['0', '-0'], why: ZERO_IS_A_GFP, check: (r) => expect(r).toBe(GFP_ATOMIC) },
    ],
  },
  // trace (the memdesc/trace entry point)
  parseTrace: {
    params: [{ kind: 'source', valid: () => TRACE }, P.opts(() => ({ maxLineLength: 4096 }))],
    documented: [
      // A string is a file path, opened when the records are iterated: the sweep awaits the first
      // record, which must reject with the MmError.
      { pos: 1, labels: ['undefined', '{}'], why: 'no options, or none set: the defaults' },
    ],
  },
  replayTrace: {
    params: [{ kind: 'source', valid: () => TRACE }, P.opts(() => ({ model: 'kernel' }))],
    documented: [{ pos: 1, labels: ['undefined', '{}'], why: 'no options, or none set: the defaults', check: (r) => expect(typeof r).toBe('object') }],
  },
  TraceParser: {
    construct: true,
    params: [{ kind: 'any', valid: () => undefined }],
    total: { why: 'the parser takes no arguments: whatever is passed is ignored', check: (r) => expect(typeof r).toBe('object') },
  },
  'TraceParser#parseLine': {
    call: (args) => new (exported.get('TraceParser') as Any)().parseLine(...args),
    params: [P.str('  cat-1 [000] ..... 1.0: mm_page_free: page=(____ptrval____) pfn=0x100 order=0'), P.num(1)],
    documented: [
      { pos: 0, labels: ['""', '"memdesc"'], why: 'a line of any text parses (to null or an unparsed record)' },
      { pos: 1, labels: ['undefined'], why: 'lineNo is optional: the count of lines so far' },
      { pos: 1, labels: ['2^31'], why: 'any positive safe integer is a line number' },
    ],
  },
  MmError: {
    construct: true,
    params: [{ kind: 'any', valid: () => 'INVALID_ARGUMENT' }, { kind: 'any', valid: () => 'sweep' }, { kind: 'any', valid: () => 0 }],
    total: {
      why: 'constructing an error never throws and touches no machine (a message that is not a string is described)',
      check: (r) => {
        expect(r).toBeInstanceOf(MmError);
        expect(typeof (r as MmError).message).toBe('string');
      },
    },
  },
};

// ------------------------------------------------------------------------------ what other branches fix

/**
 * Sweep cases that fail on this branch because another branch owns the fix (issue 13). Each must
 * still fail here (a case that passes must be removed); the lead removes this list at merge, when
 * those branches make them pass. A `case` ending in " *" stands for every case it begins.
 */
const PERF = 'performance helper (frozen Memory/KmemCache/ListLru/Shrinker, src/page-alloc/memory.ts)';
const PENDING_ON_OTHER_BRANCHES: readonly { readonly case: string; readonly item: number; readonly owner: string }[] = [
  // Item 5: mutable state kept on an object a user's Object.freeze reaches — a TypeError after
  // part of the state changed (counters off, a page taken without a handle).
  { case: 'allocPage with a frozen Memory', item: 5, owner: PERF },
  { case: 'allocPages with a frozen Memory', item: 5, owner: PERF },
  { case: 'folioAlloc with a frozen Memory', item: 5, owner: PERF },
  { case: 'folioPut with a frozen Memory', item: 5, owner: PERF },
  { case: 'freePage with a frozen Memory', item: 5, owner: PERF },
  { case: 'freePages with a frozen Memory', item: 5, owner: PERF },
  { case: 'kfree with a frozen Memory', item: 5, owner: PERF },
  { case: 'kmemCacheAlloc with a frozen KmemCache', item: 5, owner: PERF },
  { case: 'kmemCacheFree with a frozen KmemCache', item: 5, owner: PERF },
  { case: 'kmemCacheFree with a frozen Memory', item: 5, owner: PERF },
  { case: 'kswapd with a frozen Memory', item: 5, owner: PERF },
  { case: 'listLruDel with a frozen ListLru', item: 5, owner: PERF },
  { case: 'listLruWalk with a frozen ListLru', item: 5, owner: PERF },
  { case: 'memdescAlloc with a frozen Memory', item: 5, owner: PERF },
  { case: 'memdescFree with a frozen Memory', item: 5, owner: PERF },
  { case: 'memdescPut with a frozen Memory', item: 5, owner: PERF },
  { case: 'pagetableAlloc with a frozen Memory', item: 5, owner: PERF },
  { case: 'pagetableFree with a frozen Memory', item: 5, owner: PERF },
  { case: 'putPage with a frozen Memory', item: 5, owner: PERF },
  { case: 'shrinkerFree with a frozen Shrinker', item: 5, owner: PERF },
  { case: 'shrinkerRegister with a frozen Shrinker', item: 5, owner: PERF },
  { case: 'vfree with a frozen Memory', item: 5, owner: PERF },
  { case: 'vmalloc with a frozen Memory', item: 5, owner: PERF },
  { case: 'withSpinLock with a frozen Memory', item: 5, owner: PERF },
];

const pendingMatches = (pattern: string, c: string): boolean => (pattern.endsWith(' *') ? c.startsWith(pattern.slice(0, -1)) : pattern === c);

// ------------------------------------------------------------------------------ running a call

type Outcome = { threw: unknown } | { returned: unknown };

async function run(name: string, spec: Spec, args: unknown[]): Promise<Outcome> {
  const f = exported.get(name) as Any;
  try {
    let r: unknown = spec.call ? spec.call(args) : spec.construct ? new f(...args) : f(...args);
    if (r instanceof Promise) r = await r;
    return { returned: r };
  } catch (e) {
    return { threw: e };
  }
}

/** Awaits the first record of an async iterable (a lazily opened trace): a rejection is what counts. */
async function firstOf(r: unknown): Promise<Outcome> {
  try {
    const it = (r as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    await it.next();
    await it.return?.();
    return { returned: r };
  } catch (e) {
    return { threw: e };
  }
}

/**
 * Whether an error message names the call that threw it: its memdesc name or its kernel name
 * (`folioPage` → `folio_page()`), or it is the kernel's own `bad_page()` report
 * ("BUG: Bad page state in process … pfn:… reason: …"), which names the page instead.
 */
function namesCall(message: string, name: string): boolean {
  const kernel = name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  return message.includes(`${name}(`) || message.includes(`${kernel}(`) || message.startsWith('BUG: Bad page state in process ');
}

const describeThrown = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : `a thrown ${typeof e}`);

/** The candidates tried in position `pos` of `spec`. */
function candidatesFor(w: World, spec: Spec, pos: number): { label: string; make: () => unknown }[] {
  const p = spec.params[pos]!;
  const out: { label: string; make: () => unknown }[] = HOSTILE.map(([label, make]) => ({ label, make }));
  const valid = p.valid(w);
  if (((typeof valid === 'object' && valid !== null) || typeof valid === 'function') && !OBJECT_KINDS.has(p.kind)) {
    out.push({ label: 'Object.create(a valid argument)', make: () => Object.create(valid as object) });
    out.push({ label: 'a spread copy of a valid argument', make: () => ({ ...(valid as object) }) });
  }
  // Options are read field by field, so any object (a handle, a cache…) is an options object with
  // none of the fields: the defaults. Any object is a list_lru item. Neither is tried with fixtures.
  if (p.kind === 'any' || OBJECT_KINDS.has(p.kind)) return out;
  for (const c of fixtures(w)) {
    if (NUMBER_KINDS.has(p.kind) && c.tags.includes('number')) continue;
    const sameKind = c.tags.includes(p.kind);
    if (sameKind && !(p.foreign && c.machine === 2)) continue;
    out.push({ label: c.label, make: () => c.value });
  }
  return out;
}

interface Failure {
  readonly case: string;
  readonly problem: string;
}

async function sweep(name: string, spec: Spec): Promise<{ failures: Failure[]; calls: number }> {
  const failures: Failure[] = [];
  let calls = 0;
  let w = world();
  for (let pos = 0; pos < spec.params.length; pos++) {
    let forWorld = w;
    let byLabel = new Map(candidatesFor(w, spec, pos).map((c) => [c.label, c]));
    for (const label of [...byLabel.keys()]) {
      if (forWorld !== w) {
        // The world was rebuilt: the candidates are its objects now.
        forWorld = w;
        byLabel = new Map(candidatesFor(w, spec, pos).map((c) => [c.label, c]));
      }
      const cand = byLabel.get(label)!;
      const where = `${name} arg ${pos} = ${label}`;
      const args = spec.params.map((p, i) => (i === pos ? cand.make() : p.valid(w)));
      const made = args[pos];
      const doc: Documented | undefined = spec.total
        ? { pos, labels: [label], why: spec.total.why, check: spec.total.check }
        : spec.params[pos]!.kind === 'item' && ((typeof made === 'object' && made !== null) || typeof made === 'function')
          ? { pos, labels: [label], why: 'any object is a list_lru item (compared by identity; a Proxy runs no trap there)' }
          : spec.documented?.find((d) => d.pos === pos && d.labels.includes(label));
      const before = state(w);
      trap.calls = 0;
      calls++;
      let out = await run(name, spec, args);
      if (doc !== undefined) {
        if ('threw' in out) failures.push({ case: where, problem: `documented to return (${doc.why}), but threw ${describeThrown(out.threw)}` });
        else {
          try {
            doc.check?.(out.returned);
          } catch (e) {
            failures.push({ case: where, problem: `documented return (${doc.why}) failed its check: ${describeThrown(e)}` });
          }
        }
        w = world();
        continue;
      }
      if ('returned' in out && out.returned !== null && typeof out.returned === 'object' && Symbol.asyncIterator in (out.returned as object)) {
        out = await firstOf(out.returned);
      }
      const problems: string[] = [];
      if ('returned' in out) {
        problems.push(`returned ${core.MmError.name === 'MmError' ? typeof out.returned : ''}${out.returned === null ? ' (null)' : ''} instead of throwing an MmError`);
      } else if (!(out.threw instanceof MmError)) {
        problems.push(`threw ${describeThrown(out.threw)}`);
      } else {
        const e = out.threw;
        if (!MM_ERROR_CODES.includes(e.code)) problems.push(`unknown code ${String(e.code)}`);
        if (typeof e.message !== 'string' || !namesCall(e.message, name.split('#').pop()!)) {
          problems.push(`${e.code} message does not name ${name}: ${JSON.stringify(String(e.message).split('\n')[0])}`);
        }
      }
      const kind = spec.params[pos]!.kind;
      if (trap.calls > 0 && !READS_FIELDS.has(kind)) problems.push(`ran ${trap.calls} Proxy trap(s) of the argument`);
      if (state(w) !== before) problems.push(`changed the machine (${changedParts(w)})`);
      for (const m of [w.mem, w.x.mem]) {
        try {
          verifyMemory(m);
        } catch (e) {
          problems.push(`left the allocator inconsistent: ${describeThrown(e)}`);
        }
      }
      if (problems.length > 0) {
        failures.push({ case: where, problem: problems.join('; ') });
        w = world();
      }
    }
  }
  return { failures, calls };
}

/** Splits failures into the unexpected ones and the pending ones that still fail; reports stale pending entries. */
function triage(name: string, failures: readonly Failure[], prefix: string): string[] {
  const pendingHere = PENDING_ON_OTHER_BRANCHES.filter((p) => p.case.startsWith(prefix));
  const out: string[] = [];
  for (const f of failures) if (!pendingHere.some((p) => pendingMatches(p.case, f.case))) out.push(`${f.case}: ${f.problem}`);
  for (const p of pendingHere) {
    if (!failures.some((f) => pendingMatches(p.case, f.case))) out.push(`${p.case}: passes now — remove it from PENDING_ON_OTHER_BRANCHES (item ${p.item}, ${p.owner})`);
  }
  void name;
  return out;
}

// ------------------------------------------------------------------------------ the tests

const functionNames = [...exported].filter(([, v]) => typeof v === 'function').map(([k]) => k).sort();
const sweptNames = [...functionNames, ...Object.keys(SPECS).filter((k) => k.includes('#'))];

describe('the export list', () => {
  it('every exported function has a sweep spec (a new export needs one: its valid arguments and documented returns)', () => {
    const missing = functionNames.filter((n) => SPECS[n] === undefined);
    expect(missing, 'add these to SPECS in test/robust/sweep.test.ts').toEqual([]);
    const stale = Object.keys(SPECS).filter((n) => !exported.has(n.split('#')[0]!));
    expect(stale, 'SPECS names that are no longer exported').toEqual([]);
  });

  it('every exported value that is not a function is a primitive or a frozen object', () => {
    const mutable = [...exported].filter(([, v]) => typeof v === 'object' && v !== null && !Object.isFrozen(v)).map(([k]) => k);
    expect(mutable).toEqual([]);
  });

  it('classes are exactly the exports constructed with new', () => {
    const classes = functionNames.filter((n) => isClass(exported.get(n)));
    expect(classes.sort()).toEqual(Object.keys(SPECS).filter((n) => SPECS[n]!.construct).sort());
  });
});

let totalCalls = 0;

describe('hostile arguments: an MmError (or a documented return), the machine unchanged', () => {
  for (const name of sweptNames) {
    it(name, async () => {
      const spec = SPECS[name];
      if (spec === undefined) return; // reported by the export-list test
      const { failures, calls } = await sweep(name, spec);
      totalCalls += calls;
      expect(triage(name, failures, `${name} arg `)).toEqual([]);
    });
  }
  it('swept every position of every export', () => {
    expect(totalCalls).toBeGreaterThan(1000);
  });
});

// ------------------------------------------------------------------------------ frozen objects

/** What a frozen argument of this kind is called in a case name, or null if it is not an object. */
function frozenGroup(kind: string, valid: unknown): string | null {
  if (!((typeof valid === 'object' && valid !== null) || typeof valid === 'function')) return null;
  if (ArrayBuffer.isView(valid)) return null; // a typed array with elements cannot be frozen
  switch (kind) {
    case 'memory':
    case 'ctx':
      return 'Memory';
    case 'cache':
      return 'KmemCache';
    case 'lru':
      return 'ListLru';
    case 'shrinker':
      return 'Shrinker';
    case 'lock':
      return 'SpinLock';
    case 'options':
      return 'options object';
    case 'fn':
      return 'callback';
    case 'item':
      return 'list_lru item';
    case 'desc':
    case 'any':
    case 'source':
      return null;
    default:
      return 'handle';
  }
}

function shapeOf(o: Outcome): string {
  if ('threw' in o) return o.threw instanceof MmError ? `throws ${o.threw.code}` : `throws ${describeThrown(o.threw)}`;
  const r = o.returned;
  if (r === null || r === undefined) return `returns ${String(r)}`;
  if (typeof r === 'object') return `returns ${String(r).startsWith('Page(') ? 'a page handle' : Array.isArray(r) ? 'an array' : 'an object'}`;
  return `returns a ${typeof r}`;
}

/**
 * Calls `name` with its valid arguments on a world and on its twin with the `group` arguments frozen
 * (for 'Memory': both machines, whether passed or reached through a handle): both must agree.
 */
async function frozenCase(name: string, spec: Spec, group: string): Promise<Failure[]> {
  const a = world();
  const b = world();
  const argsA = spec.params.map((p) => p.valid(a));
  const argsB = spec.params.map((p) => p.valid(b));
  spec.params.forEach((p, i) => {
    if (frozenGroup(p.kind, argsB[i]) === group) Object.freeze(argsB[i]);
  });
  if (group === 'Memory') for (const m of [b.mem, b.x.mem]) Object.freeze(m);
  const oa = await run(name, spec, argsA);
  const ob = await run(name, spec, argsB);
  const problems: string[] = [];
  if (shapeOf(oa) !== shapeOf(ob)) problems.push(`${shapeOf(ob)}, where unfrozen it ${shapeOf(oa)}`);
  if (state(a) !== state(b)) problems.push('left the machine different from its unfrozen twin');
  for (const m of [b.mem, b.x.mem]) {
    try {
      verifyMemory(m);
    } catch (e) {
      problems.push(`left the allocator inconsistent: ${describeThrown(e)}`);
    }
  }
  return problems.length === 0 ? [] : [{ case: `${name} with a frozen ${group}`, problem: problems.join('; ') }];
}

describe('frozen objects (Object.freeze on a Memory, KmemCache, ListLru, Shrinker, SpinLock, handle, options, callback): the same as unfrozen', () => {
  for (const name of sweptNames) {
    const spec = SPECS[name];
    if (spec === undefined || spec.construct || spec.call) continue;
    const probe = world();
    // The machines are frozen for every export (a handle reaches its Memory too); the other objects
    // for the exports that take one.
    const groups = new Set(['Memory', ...spec.params.map((p) => frozenGroup(p.kind, p.valid(probe))).filter((g): g is string => g !== null)]);
    for (const group of groups) {
      it(`${name} with a frozen ${group}`, async () => {
        expect(triage(name, await frozenCase(name, spec, group), `${name} with a frozen ${group}`)).toEqual([]);
      });
    }
  }
});
