/**
 * The checker's precision and its exact loops through typescript-eslint's RuleTester: shapes of
 * correct code that a guessing checker flags (valid) beside the misuses the same mechanisms find
 * (invalid) — a field known not null, closures kept past their scope or made in a loop, calls
 * that never return, constants decided, loops over small constant ranges and exactly known
 * containers, getters, allocPagesBulk, an async critical section, calls that sleep whatever
 * their flags.
 */
import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';
import plugin, { type RuleId } from '../../src/checker/eslint-plugin.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: `${import.meta.dirname}/fixtures` } } });

const head = `import { createMemory, allocPage, allocPagesBulk, freePage, readRaw, kmalloc, kfree, vmalloc, vfree, vmallocSize, spinLockInit, withSpinLock, GFP_KERNEL, type Owned, type Page, type VmallocArea, type Memory } from 'memdesc';
const mem = createMemory();
const buf = new Uint8Array(4);
`;
const L = head.split('\n').length - 1;
const rule = (id: RuleId) => plugin.rules[id] as unknown as Parameters<typeof tester.run>[1];
const err = (line: number) => [{ messageId: 'finding' as const, line: L + line }];

tester.run('use-after-free', rule('use-after-free'), {
  valid: [
    // A log's records walked and freed by flush() after the last one was read.
    { code: head.replace('type Memory', 'type Memory, type KmallocPtr') + `interface Rec {\n  buf: KmallocPtr;\n  next: Rec | null;\n}\nclass Log {\n  head: Rec | null = null;\n  tail: Rec | null = null;\n  append(buf: KmallocPtr): void {\n    const rec: Rec = { buf, next: null };\n    if (this.tail) this.tail.next = rec;\n    else this.head = rec;\n    this.tail = rec;\n  }\n  flush(): void {\n    for (let r = this.head; r; r = r.next) kfree(r.buf);\n    this.head = this.tail = null;\n  }\n}\nexport function f(): void {\n  const log = new Log();\n  for (const n of [64, 128]) {\n    const b = kmalloc(mem, n, GFP_KERNEL);\n    if (b) log.append(b);\n  }\n  const last = log.tail;\n  if (last) readRaw(last.buf, buf, 0);\n  log.flush();\n}` },
    // An async walk over an area's pages, awaited before the area is freed.
    { code: head.replace('type Memory', 'type Memory, vmallocPageIter, pageToPfn') + `const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));\nasync function walk(area: NonNullable<ReturnType<typeof vmalloc>>): Promise<number> {\n  let n = 0;\n  for (const page of vmallocPageIter(area)) {\n    await tick();\n    n += pageToPfn(page);\n  }\n  return n;\n}\nexport async function f(): Promise<number> {\n  const a = vmalloc(mem, 8192, GFP_KERNEL);\n  if (!a) return 0;\n  const walking = walk(a);\n  const n = await walking;\n  vfree(a);\n  return n;\n}` },
    // A page vmallocPageIter() gave, used while its area lives.
    { code: head.replace('type Memory', 'type Memory, vmallocPageIter, vmallocToPage, withPageMapped') + `export function f(): void {\n  const a = vmalloc(mem, 8192, GFP_KERNEL);\n  if (!a) return;\n  let last: ReturnType<typeof vmallocToPage> | null = null;\n  for (const page of vmallocPageIter(a)) last = page;\n  if (last) withPageMapped(last, (v) => v.fill(0));\n  vfree(a);\n}` },
    // The twin: read before put() frees it.
    { code: head + `class Pool {\n  readonly free: Owned<Page<0>>[] = [];\n  readonly lock = spinLockInit(mem);\n  constructor(readonly max: number) {}\n  put(p: Owned<Page<0>>): void {\n    const kept = withSpinLock(this.lock, () => {\n      if (this.free.length >= this.max) return false;\n      this.free.push(p);\n      return true;\n    });\n    if (!kept) freePage(p);\n  }\n}\nexport function f(): void {\n  const pool = new Pool(0);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  readRaw(p, buf, 0);\n  pool.put(p);\n}` },
    // The same pool: the page read before the shrinker runs.
    { code: head.replace('type Memory', 'type Memory, listLruInit, listLruAdd, listLruWalk, shrinkerAlloc, shrinkerRegister, shrinkerFree, LRU_REMOVED, type ListLru, type Shrinker') + `class Pool {\n  readonly lru: ListLru<{ page: Owned<Page<0>> }> = listLruInit(mem);\n  readonly shrinker: Shrinker = shrinkerAlloc(mem, 0, 'pool');\n  constructor() {\n    this.shrinker.countObjects = () => 1;\n    this.shrinker.scanObjects = (_s, sc) =>\n      listLruWalk(\n        this.lru,\n        (e) => {\n          freePage(e.page);\n          return LRU_REMOVED;\n        },\n        sc.nrToScan,\n      );\n    shrinkerRegister(this.shrinker);\n  }\n  put(page: Owned<Page<0>>): void {\n    listLruAdd(this.lru, { page });\n  }\n  shrink(n: number): number {\n    return this.shrinker.scanObjects!(this.shrinker, { gfpMask: GFP_KERNEL, nid: 0, nrToScan: n, nrScanned: 0 });\n  }\n}\nexport function f(): void {\n  const pool = new Pool();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  readRaw(p, buf, 0);\n  pool.put(p);\n  pool.shrink(8);\n  shrinkerFree(pool.shrinker);\n}` },
    // A walk of one item frees the first item added, not the second.
    { code: head.replace('type Memory', 'type Memory, listLruInit, listLruAdd, listLruWalk, LRU_REMOVED') + `interface E {\n  page: Owned<Page<0>> | null;\n}\nexport function f(): void {\n  const lru = listLruInit<E>(mem);\n  const p = allocPage(mem, GFP_KERNEL);\n  const q = allocPage(mem, GFP_KERNEL);\n  if (!p || !q) return;\n  const a: E = { page: p };\n  const b: E = { page: q };\n  listLruAdd(lru, a);\n  listLruAdd(lru, b);\n  listLruWalk(\n    lru,\n    (e) => {\n      if (e.page) freePage(e.page);\n      e.page = null;\n      return LRU_REMOVED;\n    },\n    1,\n  );\n  readRaw(q, buf, 0);\n  if (b.page) freePage(b.page);\n}` },
    // The same helper with keep = 1 returns before the free.
    { code: head + `class Cache {\n  constructor(readonly keep: number) {}\n  drop(p: Owned<Page<0>>): void {\n    if (this.keep > 0) return;\n    freePage(p);\n  }\n}\nexport function f(): void {\n  const c = new Cache(1);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  c.drop(p);\n  readRaw(p, buf, 0);\n  freePage(p);\n}` },
    // A flag set to a literal beside the free decides the later test on each path.
    { code: head + `export function f(): void {\n  for (let attempt = 0; attempt < 2; attempt++) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p === null) return;\n    let released = false;\n    if (attempt === 0) {\n      freePage(p);\n      released = true;\n    }\n    if (!released) {\n      readRaw(p, buf, 0);\n      freePage(p);\n    }\n  }\n}` },
    // The pool that took the page over frees it later: its own reference, not the caller's.
    { code: head + `class Pool {\n  private readonly free: Owned<Page<0>>[] = [];\n  constructor(readonly max: number) {}\n  put(p: Owned<Page<0>>): void {\n    if (this.free.length >= this.max) freePage(p);\n    else this.free.push(p);\n  }\n  drain(): void {\n    for (const p of this.free.splice(0)) freePage(p);\n  }\n}\nexport function f(n: number): void {\n  const pool = new Pool(n);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  readRaw(p, buf, 0);\n  pool.put(p);\n  pool.drain();\n}` },
    // A field tested non-null is not also "maybe null" on the other side of the test.
    { code: head + `class V {\n  area: VmallocArea | null = null;\n  grow(n: number): void {\n    const next = vmalloc(mem, n, GFP_KERNEL);\n    if (!next) return;\n    if (this.area) vfree(this.area);\n    this.area = next;\n  }\n  close(): void {\n    if (this.area) vfree(this.area);\n    this.area = null;\n  }\n}\nexport function f() {\n  const v = new V();\n  v.grow(4096);\n  v.grow(8192);\n  v.close();\n}` },
    // A call that never returns ends its path: the free before it is not followed by the write.
    { code: head + `function bail(m: string): never {\n  throw new Error(m);\n}\nexport function f(bad: boolean): Owned<Page<0>> {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  if (bad) {\n    freePage(p);\n    bail('bad');\n  }\n  readRaw(p, buf, 0);\n  return p;\n}` },
    // The last element freed by `arr.length - 1` is not the one read.
    { code: head + `export function f() {\n  const tables: Owned<Page<0>>[] = [];\n  for (let i = 0; i < 3; i++) tables.push(allocPage(mem, GFP_KERNEL)!);\n  freePage(tables[tables.length - 1]!);\n  readRaw(tables[1]!, buf, 0);\n  freePage(tables[0]!);\n  freePage(tables[1]!);\n}` },
    // The same shape with two different keys: the entry freed is not the one read.
    { code: head + `class Table {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  lookup(k: number) {\n    return this.m.get(k);\n  }\n  discard(k: number): void {\n    const p = this.m.get(k);\n    if (p === undefined) return;\n    this.m.delete(k);\n    freePage(p);\n  }\n}\nexport function swapIn(t: Table, slot: number, old: number): void {\n  const p = t.lookup(slot);\n  if (!p) return;\n  t.discard(old);\n  readRaw(p, buf, 0);\n}` },
    // Two handles known to be different objects decide !==.
    { code: head + `export function f() {\n  const pages: Owned<Page<0>>[] = [];\n  for (let i = 0; i < 3; i++) pages.push(allocPage(mem, GFP_KERNEL)!);\n  const victim = pages[1]!;\n  freePage(victim);\n  for (const p of pages.splice(0)) if (p !== victim) readRaw(p, buf, 0), freePage(p);\n}` },
  ],
  invalid: [
    // The same list walked by flush() (each record known, so each step frees exactly that record's
    // buffer) before the last one is read.
    { code: head.replace('type Memory', 'type Memory, type KmallocPtr') + `interface Rec {\n  buf: KmallocPtr;\n  next: Rec | null;\n}\nclass Log {\n  head: Rec | null = null;\n  tail: Rec | null = null;\n  append(buf: KmallocPtr): void {\n    const rec: Rec = { buf, next: null };\n    if (this.tail) this.tail.next = rec;\n    else this.head = rec;\n    this.tail = rec;\n  }\n  flush(): void {\n    for (let r = this.head; r; r = r.next) kfree(r.buf);\n    this.head = this.tail = null;\n  }\n}\nexport function f(): void {\n  const log = new Log();\n  for (const n of [64, 128]) {\n    const b = kmalloc(mem, n, GFP_KERNEL);\n    if (b) log.append(b);\n  }\n  const last = log.tail;\n  log.flush();\n  if (last) readRaw(last.buf, buf, 0);\n}`, errors: err(27) },
    // The same walk still running when the area is freed: its pages are used after an await.
    { code: head.replace('type Memory', 'type Memory, vmallocPageIter, pageToPfn') + `const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));\nasync function walk(area: NonNullable<ReturnType<typeof vmalloc>>): Promise<number> {\n  let n = 0;\n  for (const page of vmallocPageIter(area)) {\n    await tick();\n    n += pageToPfn(page);\n  }\n  return n;\n}\nexport async function f(): Promise<number> {\n  const a = vmalloc(mem, 8192, GFP_KERNEL);\n  if (!a) return 0;\n  const walking = walk(a);\n  vfree(a);\n  return await walking;\n}`, errors: [...err(6), ...err(14)] },
    // The same page used after vfree() of its area: each page the iterator gives is a view of the area.
    { code: head.replace('type Memory', 'type Memory, vmallocPageIter, vmallocToPage, withPageMapped') + `export function f(): void {\n  const a = vmalloc(mem, 8192, GFP_KERNEL);\n  if (!a) return;\n  let last: ReturnType<typeof vmallocToPage> | null = null;\n  for (const page of vmallocPageIter(a)) last = page;\n  vfree(a);\n  if (last) withPageMapped(last, (v) => v.fill(0));\n}`, errors: err(7) },
    // What withSpinLock's callback returns on every path is the call's result: `kept` is false when the pool
    // keeps nothing (max 0), so put() frees the page the caller reads after.
    { code: head + `class Pool {\n  readonly free: Owned<Page<0>>[] = [];\n  readonly lock = spinLockInit(mem);\n  constructor(readonly max: number) {}\n  put(p: Owned<Page<0>>): void {\n    const kept = withSpinLock(this.lock, () => {\n      if (this.free.length >= this.max) return false;\n      this.free.push(p);\n      return true;\n    });\n    if (!kept) freePage(p);\n  }\n}\nexport function f(): void {\n  const pool = new Pool(0);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  pool.put(p);\n  readRaw(p, buf, 0);\n}`, errors: err(19) },
    // A loop variable starts at a constant, but the loop (not run exactly) keys by it on every pass.
    { code: head + `class Ring {\n  readonly slots: (Owned<Page<0>> | null)[];\n  constructor(readonly size: number) {\n    this.slots = Array.from({ length: size }, () => null);\n  }\n  refill(): void {\n    for (let i = 0; i < this.size; i++) {\n      if (this.slots[i] !== null) continue;\n      const p = allocPage(mem, GFP_KERNEL);\n      if (p === null) break;\n      this.slots[i] = p;\n    }\n  }\n  take(i: number): Owned<Page<0>> | null {\n    const p = this.slots[i] ?? null;\n    this.slots[i] = null;\n    return p;\n  }\n}\nexport function f(): void {\n  const r = new Ring(4);\n  r.refill();\n  const page = r.take(0);\n  if (page === null) return;\n  const frame = page;\n  freePage(page);\n  readRaw(frame, buf, 0);\n}`, errors: err(27) },
    // A shrinker's scanObjects, run where the code runs it: the page given to the pool is freed.
    { code: head.replace('type Memory', 'type Memory, listLruInit, listLruAdd, listLruWalk, shrinkerAlloc, shrinkerRegister, shrinkerFree, LRU_REMOVED, type ListLru, type Shrinker') + `class Pool {\n  readonly lru: ListLru<{ page: Owned<Page<0>> }> = listLruInit(mem);\n  readonly shrinker: Shrinker = shrinkerAlloc(mem, 0, 'pool');\n  constructor() {\n    this.shrinker.countObjects = () => 1;\n    this.shrinker.scanObjects = (_s, sc) =>\n      listLruWalk(\n        this.lru,\n        (e) => {\n          freePage(e.page);\n          return LRU_REMOVED;\n        },\n        sc.nrToScan,\n      );\n    shrinkerRegister(this.shrinker);\n  }\n  put(page: Owned<Page<0>>): void {\n    listLruAdd(this.lru, { page });\n  }\n  shrink(n: number): number {\n    return this.shrinker.scanObjects!(this.shrinker, { gfpMask: GFP_KERNEL, nid: 0, nrToScan: n, nrScanned: 0 });\n  }\n}\nexport function f(): void {\n  const pool = new Pool();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  pool.put(p);\n  pool.shrink(8);\n  readRaw(p, buf, 0);\n  shrinkerFree(pool.shrinker);\n}`, errors: err(30) },
    // A walk of n >= 1 items over a list the function filled calls isolate on each known item once.
    { code: head.replace('type Memory', 'type Memory, listLruInit, listLruAdd, listLruWalk, LRU_REMOVED') + `interface E {\n  page: Owned<Page<0>>;\n}\nexport function f(): void {\n  const lru = listLruInit<E>(mem);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  listLruAdd(lru, { page: p });\n  listLruWalk(\n    lru,\n    (e) => {\n      freePage(e.page);\n      return LRU_REMOVED;\n    },\n    8,\n  );\n  readRaw(p, buf, 0);\n}`, errors: err(17) },
    // A key read from a field set to a constant (`req.index`) names the entry a literal names.
    { code: head + `class C {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  take(k: number) {\n    const p = this.m.get(k);\n    this.m.delete(k);\n    return p;\n  }\n}\nexport function f(): void {\n  const c = new C();\n  const p = allocPage(mem, GFP_KERNEL);\n  const o = allocPage(mem, GFP_KERNEL);\n  if (!p || !o) return;\n  c.m.set(2, p);\n  c.m.set(3, o);\n  const req = { index: 2 };\n  const q = c.take(req.index);\n  if (q) freePage(q);\n  readRaw(p, buf, 0);\n  freePage(o);\n}`, errors: err(19) },
    // A parameter property (`constructor(readonly ring: Ring)`) is also the parameter the body reads.
    { code: head + `class Ring {\n  area: VmallocArea;\n  constructor(a: VmallocArea) {\n    this.area = a;\n  }\n  resize(n: number): void {\n    const next = vmalloc(mem, n, GFP_KERNEL);\n    if (next === null) return;\n    vfree(this.area);\n    this.area = next;\n  }\n}\nclass Batch {\n  private readonly area: VmallocArea;\n  constructor(readonly ring: Ring) {\n    this.area = ring.area;\n  }\n  peek(): void {\n    readRaw(this.area, buf, 0);\n  }\n}\nexport function f(): void {\n  const a = vmalloc(mem, 4096, GFP_KERNEL);\n  if (!a) return;\n  const r = new Ring(a);\n  const b = new Batch(r);\n  r.resize(8192);\n  b.peek();\n  vfree(r.area);\n}`, errors: [...err(19), ...err(28)] },
    // A field set to a constant by the constructor decides the helper's branch: keep = 0 frees.
    { code: head + `class Cache {\n  constructor(readonly keep: number) {}\n  drop(p: Owned<Page<0>>): void {\n    if (this.keep > 0) return;\n    freePage(p);\n  }\n}\nexport function f(): void {\n  const c = new Cache(0);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  c.drop(p);\n  readRaw(p, buf, 0);\n}`, errors: err(13) },
    // A helper that frees its argument on some paths and keeps it on the others took it over.
    { code: head + `class Pool {\n  private readonly free: Owned<Page<0>>[] = [];\n  constructor(readonly max: number) {}\n  put(p: Owned<Page<0>>): void {\n    if (this.free.length >= this.max) freePage(p);\n    else this.free.push(p);\n  }\n  drain(): void {\n    for (const p of this.free.splice(0)) freePage(p);\n  }\n}\nexport function f(n: number): void {\n  const pool = new Pool(n);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  pool.put(p);\n  readRaw(p, buf, 0);\n  pool.drain();\n}`, errors: err(17) },
    // A getter of your own class is run.
    { code: head + `class R {\n  #p: Owned<Page<0>> | null = allocPage(mem, GFP_KERNEL);\n  get page(): Owned<Page<0>> {\n    if (!this.#p) throw new Error('closed');\n    return this.#p;\n  }\n  close(): void {\n    if (this.#p) freePage(this.#p);\n  }\n}\nexport function f() {\n  const r = new R();\n  const p = r.page;\n  r.close();\n  readRaw(p, buf, 0);\n}`, errors: err(15) },
    // The last element by `arr.length - 1` of an array whose length is known is that element.
    { code: head + `export function f() {\n  const tables: Owned<Page<0>>[] = [];\n  for (let i = 0; i < 3; i++) tables.push(allocPage(mem, GFP_KERNEL)!);\n  freePage(tables[tables.length - 1]!);\n  readRaw(tables[2]!, buf, 0);\n  freePage(tables[0]!);\n  freePage(tables[1]!);\n}`, errors: err(5) },
    // An index held in a `let` nothing writes again is its initialiser.
    { code: head + `export function f() {\n  const tables: Owned<Page<0>>[] = [];\n  for (let i = 0; i < 3; i++) tables.push(allocPage(mem, GFP_KERNEL)!);\n  let slot = 1;\n  freePage(tables[slot]!);\n  readRaw(tables[1]!, buf, 0);\n  freePage(tables[0]!);\n  freePage(tables[2]!);\n}`, errors: err(6) },
    // A constant condition is decided: the freed one is the one read.
    { code: head + `export function f() {\n  const a = allocPage(mem, GFP_KERNEL)!;\n  const b = allocPage(mem, GFP_KERNEL)!;\n  const mtu = 1500;\n  const victim = mtu > 1024 ? a : b;\n  freePage(victim);\n  readRaw(a, buf, 0);\n  freePage(b);\n}`, errors: err(7) },
    // Two methods called with one parameter name one Map entry: lookup(slot) is what discard(slot) frees.
    { code: head + `class Table {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  lookup(k: number) {\n    return this.m.get(k);\n  }\n  discard(k: number): void {\n    const p = this.m.get(k);\n    if (p === undefined) return;\n    this.m.delete(k);\n    freePage(p);\n  }\n}\nexport function swapIn(t: Table, slot: number): void {\n  const p = t.lookup(slot);\n  if (!p) return;\n  t.discard(slot);\n  readRaw(p, buf, 0);\n}`, errors: err(17) },
    // Closures made in a loop, each over its own page, all freed before they run.
    { code: head + `export function f() {\n  const reads: (() => void)[] = [];\n  for (let i = 0; i < 2; i++) {\n    const p = allocPage(mem, GFP_KERNEL)!;\n    reads.push(() => readRaw(p, buf, 0));\n    freePage(p);\n  }\n  for (const r of reads) r();\n}`, errors: [...err(5), ...err(8)] },
  ],
});

tester.run('double-free', rule('double-free'), {
  valid: [
    // Records of a constant message list, run once per message: a denial is printed and freed at
    // once, the others are kept on the list and freed by the walk.
    { code: head.replace('type Memory', 'type Memory, type KmallocPtr') + `const MSGS = ['open path=/etc/shadow', 'denied { write }', 'exec path=/bin/sh'];\ninterface Rec {\n  buf: KmallocPtr;\n  next: Rec | null;\n}\nexport function f(): void {\n  let head: Rec | null = null;\n  for (const msg of MSGS) {\n    const b = kmalloc(mem, 64, GFP_KERNEL);\n    if (!b) continue;\n    if (msg.startsWith('denied')) {\n      kfree(b);\n      continue;\n    }\n    head = { buf: b, next: head };\n  }\n  for (let r = head; r; r = r.next) kfree(r.buf);\n}` },
    // A list built in a loop (`head = { page, next: head }`), freed whole when a step fails: the
    // new node links to the previous one, not to itself, so the walk frees each page once.
    { code: head + `interface Seg {\n  page: Owned<Page<0>>;\n  next: Seg | null;\n}\nfunction freeList(e: Seg | null): void {\n  while (e !== null) {\n    const next = e.next;\n    freePage(e.page);\n    e = next;\n  }\n}\nexport function f(oks: boolean[]): void {\n  let head: Seg | null = null;\n  for (let i = 0; i < oks.length; i++) {\n    const page = allocPage(mem, GFP_KERNEL);\n    if (page === null) break;\n    head = { page, next: head };\n    if (!oks[i]) {\n      freeList(head);\n      return;\n    }\n  }\n  freeList(head);\n}` },
    // The same list of class instances: `new Seg(page, head)` takes the previous head.
    { code: head + `class Seg {\n  constructor(readonly page: Owned<Page<0>>, readonly next: Seg | null) {}\n}\nexport function f(n: number): void {\n  let head: Seg | null = null;\n  for (let i = 0; i < n; i++) {\n    const page = allocPage(mem, GFP_KERNEL);\n    if (page === null) break;\n    head = new Seg(page, head);\n  }\n  for (let e = head; e !== null; e = e.next) freePage(e.page);\n}` },
    // A helper that frees what fails its check and says so by returning the tested flag: the
    // caller frees only what passed.
    { code: head + `function check(p: Owned<Page<0>>): boolean {\n  readRaw(p, buf, 0);\n  const ok = buf[0] === 7;\n  if (!ok) freePage(p);\n  return ok;\n}\nexport function f(): void {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  if (!check(p)) return;\n  freePage(p);\n}` },
    // A ring drained by pop(): each call takes the next slot, or returns undefined when empty
    // before reading one; the page freed last time is not the one the next call returns.
    { code: head + `interface Buf {\n  page: Owned<Page<0>>;\n}\nclass Ring {\n  private slots: (Buf | undefined)[] = [];\n  private head = 0;\n  private tail = 0;\n  pop(): Buf | undefined {\n    if (this.head === this.tail) return undefined;\n    const i = this.tail % 16;\n    const b = this.slots[i];\n    this.slots[i] = undefined;\n    this.tail++;\n    return b;\n  }\n}\nexport function f(r: Ring): void {\n  for (let b = r.pop(); b !== undefined; b = r.pop()) freePage(b.page);\n}` },
    // Each pass takes the next element of the caller's array: one free each.
    { code: head + `export function f(pages: Owned<Page<0>>[]): void {\n  while (pages.length > 0) {\n    const p = pages.pop();\n    if (p) freePage(p);\n  }\n}` },
    // A catch that frees and a finally that frees only what the catch did not: no path frees twice.
    { code: head + `export function f(g: () => number): number {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return 0;\n  let freed = false;\n  let r = 0;\n  try {\n    r = g();\n  } catch {\n    freePage(p);\n    freed = true;\n  } finally {\n    if (!freed) freePage(p);\n  }\n  return r;\n}` },
    // A catch nothing in its try can reach: the finally's free is the only one.
    { code: head + `export function f(): number {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return 0;\n  let r = 0;\n  try {\n    r = 1;\n  } catch {\n    freePage(p);\n    r = -1;\n  } finally {\n    if (r !== -1) freePage(p);\n  }\n  return r;\n}` },
    // forEach frees each element; a page the array may not hold is freed on the other path, by its variable.
    { code: head + `export function f(keep: boolean): void {\n  const pages: Owned<Page<0>>[] = [];\n  const x = allocPage(mem, GFP_KERNEL);\n  if (!x) return;\n  if (!keep) pages.push(x);\n  pages.forEach((p) => freePage(p));\n  if (keep) freePage(x);\n}` },
    // A callback that frees only some elements frees none of them surely: the sweep frees the rest.
    { code: head + `export function f(): void {\n  const pages: Owned<Page<0>>[] = [];\n  for (let i = 0; i < 3; i++) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) pages.push(p);\n  }\n  const rest = pages.filter((p, i) => {\n    if (i === 0) return true;\n    freePage(p);\n    return false;\n  });\n  for (const p of rest) freePage(p);\n}` },
    // The same branch tested again the other way round: the paths are joined before it.
    { code: head + `function ok(n: number): boolean {\n  return n > 2;\n}\nexport function f(n: number): void {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  if (!ok(n)) freePage(p);\n  if (ok(n)) freePage(p);\n}` },

    // A queue of entries whose length is not known (reverse() forgets it), taken from by
    // shift(): what it still holds after is each of its entries maybe, so close() freeing what is
    // left is not a second free of the page of the entry taken out and freed by the caller.
    { code: head + `class Q {\n  readonly items: { p: Owned<Page<0>> }[] = [];\n  take(): Owned<Page<0>> | null {\n    const e = this.items.shift();\n    if (e === undefined) return null;\n    return e.p;\n  }\n  close(): void {\n    for (const e of this.items.splice(0)) freePage(e.p);\n  }\n}\nexport function f() {\n  const q = new Q();\n  const a = allocPage(mem, GFP_KERNEL);\n  if (!a) return;\n  q.items.push({ p: a });\n  q.items.reverse();\n  const t = q.take();\n  if (t === null) {\n    q.close();\n    return;\n  }\n  freePage(t);\n  q.close();\n}` },
    // A queue taken from by shift(): what it still holds after is not known, so close() freeing
    // what is left is not a second free of the page taken out and freed by the caller.
    { code: head + `class Q {\n  readonly items: Owned<Page<0>>[] = [];\n  add(p: Owned<Page<0>>): void {\n    this.items.push(p);\n  }\n  take(): Owned<Page<0>> | null {\n    return this.items.shift() ?? null;\n  }\n  close(): void {\n    for (const p of this.items.splice(0)) freePage(p);\n  }\n}\nexport function f() {\n  const q = new Q();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  q.add(p);\n  const t = q.take();\n  if (t) freePage(t);\n  q.close();\n}` },
    // A helper that returns false when its own allocation failed, before it took the page: the
    // caller's false side frees the page, and the helper's close() does not hold it there.
    { code: head + `class Track {\n  readonly held: { tag: Owned<Page<0>>; p: Owned<Page<0>> }[] = [];\n  adopt(p: Owned<Page<0>>): boolean {\n    const tag = allocPage(mem, GFP_KERNEL);\n    if (tag === null) return false;\n    this.held.push({ tag, p });\n    return true;\n  }\n  close(): void {\n    for (const h of this.held.splice(0)) {\n      freePage(h.tag);\n      freePage(h.p);\n    }\n  }\n}\nexport function f() {\n  const t = new Track();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  if (!t.adopt(p)) {\n    freePage(p);\n    t.close();\n    return;\n  }\n  t.close();\n}` },
    // Completion callbacks in a Map, deleted when run: each frees once.
    { code: head + `export function f() {\n  const pending = new Map<number, () => void>();\n  for (const tag of [1, 2, 3]) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p === null) continue;\n    pending.set(tag, () => freePage(p));\n  }\n  const irq = (tag: number): void => {\n    const cb = pending.get(tag);\n    pending.delete(tag);\n    cb?.();\n  };\n  irq(2);\n  irq(2);\n  for (const tag of [...pending.keys()]) irq(tag);\n}` },
    // A #private field: what was known of it is forgotten when it is written.
    { code: head + `class F {\n  #p: Owned<Page<0>> | null = null;\n  map(): void {\n    if (this.#p) return;\n    this.#p = allocPage(mem, GFP_KERNEL);\n  }\n  unmap(): void {\n    if (this.#p) freePage(this.#p);\n    this.#p = null;\n  }\n}\nexport function f() {\n  const x = new F();\n  x.map();\n  x.map();\n  x.unmap();\n  x.unmap();\n}` },
    // Cleanups run in reverse: each closure frees its own handle.
    { code: head + `export function f() {\n  const cleanups: (() => void)[] = [];\n  const p = allocPage(mem, GFP_KERNEL);\n  if (p) cleanups.push(() => freePage(p));\n  const k = kmalloc(mem, 32, GFP_KERNEL);\n  if (k) cleanups.push(() => kfree(k));\n  for (const c of cleanups.reverse()) c();\n}` },
  ],
  invalid: [
    // The same with the denial freed after it was put on the list: the walk frees it again.
    { code: head.replace('type Memory', 'type Memory, type KmallocPtr') + `const MSGS = ['open path=/etc/shadow', 'denied { write }', 'exec path=/bin/sh'];\ninterface Rec {\n  buf: KmallocPtr;\n  next: Rec | null;\n}\nexport function f(): void {\n  let head: Rec | null = null;\n  for (const msg of MSGS) {\n    const b = kmalloc(mem, 64, GFP_KERNEL);\n    if (!b) continue;\n    head = { buf: b, next: head };\n    if (msg.startsWith('denied')) kfree(b);\n  }\n  for (let r = head; r; r = r.next) kfree(r.buf);\n}`, errors: err(14) },
    // The same helper, and a caller that frees what failed again.
    { code: head + `function check(p: Owned<Page<0>>): boolean {\n  readRaw(p, buf, 0);\n  const ok = buf[0] === 7;\n  if (!ok) freePage(p);\n  return ok;\n}\nexport function f(): void {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  if (!check(p)) {\n    freePage(p);\n    return;\n  }\n  freePage(p);\n}`, errors: err(11) },
    // The same, with remove() giving the page back too: the release action frees it again. Reported
    // where the runtime meets it (the action's call, the free) and at the action's own line.
    { code: head + `class Dev {\n  private acts: (() => void)[] = [];\n  add(a: () => void): void {\n    this.acts.push(a);\n  }\n  unbind(remove: () => void): void {\n    remove();\n    for (const a of this.acts.reverse()) a();\n    this.acts = [];\n  }\n}\nfunction release(p: Owned<Page<0>>): void {\n  freePage(p);\n}\nexport function f(): void {\n  const d = new Dev();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  d.add(() => release(p));\n  d.unbind(() => release(p));\n}`, errors: [8, 13, 19].map((n) => ({ messageId: 'finding' as const, line: L + n })) },
    // The same ring: one popped page freed twice.
    { code: head + `interface Buf {\n  page: Owned<Page<0>>;\n}\nclass Ring {\n  private slots: (Buf | undefined)[] = [];\n  private head = 0;\n  private tail = 0;\n  pop(): Buf | undefined {\n    if (this.head === this.tail) return undefined;\n    const i = this.tail % 16;\n    const b = this.slots[i];\n    this.slots[i] = undefined;\n    this.tail++;\n    return b;\n  }\n}\nexport function f(r: Ring): void {\n  const b = r.pop();\n  if (b === undefined) return;\n  freePage(b.page);\n  freePage(b.page);\n}`, errors: err(21) },
    // An element taken out of the caller's array is one value, freed twice.
    { code: head + `export function f(pages: Owned<Page<0>>[]): void {\n  const p = pages.pop();\n  if (!p) return;\n  freePage(p);\n  freePage(p);\n}`, errors: err(5) },
    // The error path's cleanup in catch, and the same cleanup in finally: the path that threw frees twice.
    { code: head + `function detach(a: { page: Owned<Page<0>> }): void {\n  freePage(a.page);\n}\nexport function f(g: () => number): number {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return 0;\n  const a = { page: p };\n  let r = 0;\n  try {\n    r = g();\n  } catch {\n    detach(a);\n    r = -22;\n  } finally {\n    detach(a);\n  }\n  return r;\n}`, errors: [...err(2), ...err(15)] },
    // forEach runs its callback on every element: each page is freed there, and the sweep frees them again.
    { code: head + `export function f(): void {\n  const pages: Owned<Page<0>>[] = [];\n  for (let i = 0; i < 3; i++) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) pages.push(p);\n  }\n  pages.forEach((p) => freePage(p));\n  for (const p of pages) freePage(p);\n}`, errors: err(8) },
    // A branch on a call frees on one side; the teardown after it frees on every path.
    { code: head + `function ok(n: number): boolean {\n  return n > 2;\n}\nexport function f(n: number): void {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  if (!ok(n)) freePage(p);\n  freePage(p);\n}`, errors: err(8) },
    // listLruDel only looks at its item: what the item holds stays tracked.
    { code: head.replace('type Memory', 'type Memory, listLruInit, listLruAdd, listLruDel') + `interface E {\n  page: Owned<Page<0>>;\n}\nexport function f(): void {\n  const lru = listLruInit<E>(mem);\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  const e: E = { page: p };\n  listLruAdd(lru, e);\n  listLruDel(lru, e);\n  freePage(e.page);\n  freePage(p);\n}`, errors: err(12) },
    // `for (const i of c.indexes())` where indexes() returns `[...this.m.keys()]`: each known key.
    { code: head + `class C {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  indexes(): number[] {\n    return [...this.m.keys()];\n  }\n  evict(k: number): void {\n    const p = this.m.get(k);\n    if (p === undefined) return;\n    this.m.delete(k);\n    freePage(p);\n  }\n}\nexport function f(): void {\n  const c = new C();\n  for (let i = 0; i < 2; i++) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) c.m.set(i, p);\n  }\n  const q = c.m.get(1);\n  if (q) freePage(q);\n  for (const i of c.indexes()) c.evict(i);\n}`, errors: [...err(10), ...err(21)] },
    // An item on a list_lru stays tracked (the list hands it back only to a walk's isolate callback).
    { code: head.replace('type Memory', 'type Memory, listLruInit, listLruAdd') + `interface E {\n  page: Owned<Page<0>>;\n}\nexport function f(): void {\n  const lru = listLruInit<E>(mem);\n  const m = new Map<number, E>();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  const e: E = { page: p };\n  m.set(1, e);\n  listLruAdd(lru, e);\n  freePage(m.get(1)!.page);\n  freePage(m.get(1)!.page);\n}`, errors: err(13) },
    // A Map entry known to be there: `m.get(k)?.folio` is its folio, in a helper as inline.
    { code: head.replace('type Memory', 'type Memory, folioAlloc, folioPut, type ARef, type Folio') + `interface E {\n  folio: ARef<Folio<0>>;\n}\nfunction peekPut(m: Map<number, E>, k: number): void {\n  const f = m.get(k)?.folio;\n  if (!f) return;\n  folioPut(f);\n}\nexport function f(): void {\n  const m = new Map<number, E>();\n  const g = folioAlloc(mem, GFP_KERNEL, 0);\n  if (!g) return;\n  m.set(2, { folio: g });\n  peekPut(m, 2);\n  folioPut(m.get(2)!.folio);\n}`, errors: err(15) },
    // has() of a known key in a Map whose keys are all known is decided: the cache's own
    // reference, lent by peek(), put by the caller and again by close().
    { code: head + `class C {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  fill(i: number): void {\n    if (this.m.has(i)) return;\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) this.m.set(i, p);\n  }\n  peek(i: number): Owned<Page<0>> | undefined {\n    return this.m.get(i);\n  }\n  close(): void {\n    for (const p of this.m.values()) freePage(p);\n    this.m.clear();\n  }\n}\nexport function f() {\n  const c = new C();\n  c.fill(0);\n  c.fill(1);\n  const lent = c.peek(1);\n  if (lent) freePage(lent);\n  c.close();\n}`, errors: [...err(12), ...err(22)] },
    // A counted loop fills a Map by constant keys; one entry freed by lookup, then by the sweep.
    { code: head + `export function f() {\n  const m = new Map<number, Owned<Page<0>>>();\n  for (let i = 0; i < 3; i++) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p === null) break;\n    m.set(i, p);\n  }\n  const one = m.get(1);\n  if (one) freePage(one);\n  for (const p of m.values()) freePage(p);\n}`, errors: err(10) },
  ],
});

tester.run('leak', rule('leak'), {
  valid: [
    // devm-style release actions run last-added first, then dropped: each runs once, so the page
    // its action frees is not leaked.
    { code: head + `class Dev {\n  private acts: (() => void)[] = [];\n  add(a: () => void): void {\n    this.acts.push(a);\n  }\n  unbind(remove: () => void): void {\n    remove();\n    for (const a of this.acts.reverse()) a();\n    this.acts = [];\n  }\n}\nfunction release(p: Owned<Page<0>>): void {\n  freePage(p);\n}\nexport function f(): void {\n  const d = new Dev();\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return;\n  d.add(() => release(p));\n  d.unbind(() => {});\n}` },
    // A linked list appended to in a loop over data: `this.tail = rec` drops a reference to one of the
    // records made at that site, not what the others hold (they stay reachable from head).
    { code: head + `interface R {\n  buf: NonNullable<ReturnType<typeof kmalloc>>;\n  next: R | null;\n}\nclass Log {\n  head: R | null = null;\n  tail: R | null = null;\n  append(buf: R['buf']): void {\n    const rec: R = { buf, next: null };\n    if (this.tail) this.tail.next = rec;\n    else this.head = rec;\n    this.tail = rec;\n  }\n  flush(): void {\n    for (let r = this.head; r; r = r.next) kfree(r.buf);\n    this.head = this.tail = null;\n  }\n}\nexport function f(events: number[]): void {\n  const log = new Log();\n  for (const ev of events) {\n    const buf = kmalloc(mem, 8 + ev, GFP_KERNEL);\n    if (buf) log.append(buf);\n  }\n  log.flush();\n}` },
    // The twins: the refused page freed on the else side; or an if after the page is stored on both sides.
    { code: head + `class Q {\n  readonly list: Owned<Page<0>>[] = [];\n  constructor(readonly deny: Set<number>) {}\n  enqueue(p: Owned<Page<0>>, k: number): boolean {\n    if (this.deny.has(k)) return false;\n    this.list.push(p);\n    return true;\n  }\n}\nexport function fill(q: Q, n: number): number {\n  let done = 0;\n  for (let k = 0; k < n; k++) {\n    const page = allocPage(mem, GFP_KERNEL);\n    if (page === null) break;\n    if (q.enqueue(page, k)) done++;\n    else freePage(page);\n  }\n  return done;\n}` },
    { code: head + `export function fill(list: Owned<Page<0>>[], n: number): number {\n  let done = 0;\n  for (let k = 0; k < n; k++) {\n    const page = allocPage(mem, GFP_KERNEL);\n    if (page === null) break;\n    list.push(page);\n    if (k % 2 === 0) done++;\n  }\n  return done;\n}` },
    // The twins: the caller frees what add() refused; the pool's page is returned.
    { code: head + `class Cache {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  add(k: number, p: Owned<Page<0>>): boolean {\n    if (this.m.has(k)) return false;\n    this.m.set(k, p);\n    return true;\n  }\n}\nexport function fill(c: Cache, keys: number[]): number {\n  let n = 0;\n  for (const k of keys) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p === null) break;\n    if (!c.add(k, p)) {\n      freePage(p);\n      continue;\n    }\n    n++;\n  }\n  return n;\n}` },
    { code: head + `class Pool {\n  readonly cache: Owned<Page<0>>[] = [];\n  get(): Owned<Page<0>> | null {\n    const c = this.cache.pop();\n    if (c !== undefined) return c;\n    return allocPage(mem, GFP_KERNEL);\n  }\n}\nexport function f(): Owned<Page<0>> | null {\n  const pool = new Pool();\n  return pool.get();\n}` },
    // Bitwise and template keys that differ: 0 & ~3, 4 & ~3 and `1:1`, `1:2` name distinct entries, nothing is overwritten.
    { code: head + `export function f() {\n  const m = new Map<number, Owned<Page<0>>>();\n  const fill = (k: number): void => {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) m.set(k & ~3, p);\n  };\n  fill(0);\n  fill(4);\n  fill(9);\n  for (const p of m.values()) freePage(p);\n}` },
    { code: head + 'export function f() {\n  const m = new Map<string, Owned<Page<0>>>();\n  const fill = (k: number, i: number): void => {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) m.set(`${k}:${i >> 1}`, p);\n  };\n  fill(1, 2);\n  fill(1, 4);\n  for (const p of m.values()) freePage(p);\n}' },
    // A completion queue that runs its callbacks after an await, through an element it shifts
    // out: the callback that frees may be the one called.
    { code: head + `class Q {\n  private readonly pending: { cb: (st: number) => void }[] = [];\n  submit(cb: (st: number) => void): void {\n    this.pending.push({ cb });\n  }\n  async drain(): Promise<void> {\n    await Promise.resolve();\n    while (this.pending.length > 0) {\n      const r = this.pending.shift()!;\n      r.cb(0);\n    }\n  }\n}\nexport async function f(): Promise<void> {\n  const q = new Q();\n  const req = kmalloc(mem, 256, GFP_KERNEL);\n  if (!req) return;\n  q.submit(() => kfree(req));\n  await q.drain();\n}` },
    // A helper returning null before it allocates, or an object holding what it allocated: the
    // caller's null test meets only the first kind of exit.
    { code: head + `interface Entry {\n  obj: NonNullable<ReturnType<typeof kmalloc>>;\n  page: Owned<Page<0>>;\n}\nfunction make(n: number): Entry | null {\n  if (n > 4096) return null;\n  const obj = kmalloc(mem, n, GFP_KERNEL);\n  if (obj === null) return null;\n  const page = allocPage(mem, GFP_KERNEL);\n  if (page === null) {\n    kfree(obj);\n    return null;\n  }\n  return { obj, page };\n}\nexport function f(n: number): void {\n  const e = make(n);\n  if (!e) return;\n  kfree(e.obj);\n  freePage(e.page);\n}` },
    // The owned handle freed after it was moved into a shared reference: the use after move is
    // the finding (the runtime throws there); the shared reference left behind is its consequence.
    { code: `import { defineMemdesc, memdescAlloc, memdescFree, memdescPut, intoShared } from 'memdesc';\n` + head + `const Msg = defineMemdesc({ name: 'msg', ownable: true, refcounted: true });\nexport function f(ok: boolean) {\n  const o = memdescAlloc(mem, Msg, GFP_KERNEL);\n  if (o === null) return;\n  const sh = intoShared(o);\n  if (!ok) {\n    memdescFree(o);\n    return;\n  }\n  memdescPut(sh);\n}` },
    // A switch over a union of literals with a case for each and no default: the end after it
    // is not reached (TypeScript accepts the function without a final return).
    { code: head + `type Op = 'rd' | 'wr' | 'flush';\nfunction op(o: Op): number {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return -1;\n  switch (o) {\n    case 'rd':\n      freePage(p);\n      return 0;\n    case 'wr':\n    case 'flush':\n      freePage(p);\n      return 1;\n  }\n}\nexport function f() {\n  op('rd');\n  op('flush');\n}` },
    { code: head + `export function f() {\n  const pages: (Owned<Page<0>> | null)[] = Array.from({ length: 4 }, () => null);\n  const n = allocPagesBulk(mem, GFP_KERNEL, 4, pages);\n  for (const p of pages) if (p) freePage(p);\n  return n;\n}` },
    // A const flag that stands for a null test: the allocation at `??` happened exactly when
    // `fresh` holds, so the free under `if (fresh)` releases it on every path it exists on.
    { code: head + `type KP = NonNullable<ReturnType<typeof kmalloc>>;\nfunction bounce(n: number): KP {\n  return kmalloc(mem, n, GFP_KERNEL)!;\n}\nexport function f(dev: { setup: KP | null }): number {\n  const fresh = dev.setup === null;\n  const setup = dev.setup ?? bounce(8);\n  readRaw(setup, buf, 0);\n  if (fresh) kfree(setup);\n  return 1;\n}` },
    // The same with `!== undefined` and a ternary on the field; and with a negated flag.
    { code: head + `type KP = NonNullable<ReturnType<typeof kmalloc>>;\nexport function f(dev: { setup?: KP }): number {\n  const have = dev.setup !== undefined;\n  const setup = dev.setup ? dev.setup : kmalloc(mem, 8, GFP_KERNEL)!;\n  readRaw(setup, buf, 0);\n  if (!have) kfree(setup);\n  return 1;\n}` },
    { code: head + `type KP = NonNullable<ReturnType<typeof kmalloc>>;\nexport function f(dev: { setup: KP | null }): number {\n  const fresh = !dev.setup;\n  const setup = dev.setup ?? kmalloc(mem, 8, GFP_KERNEL)!;\n  readRaw(setup, buf, 0);\n  if (fresh) kfree(setup);\n  return 1;\n}` },
  ],
  invalid: [
    // An if ending a loop body: the side where enqueue() refused the page drops it as the body ends.
    { code: head + `class Q {\n  readonly list: Owned<Page<0>>[] = [];\n  constructor(readonly deny: Set<number>) {}\n  enqueue(p: Owned<Page<0>>, k: number): boolean {\n    if (this.deny.has(k)) return false;\n    this.list.push(p);\n    return true;\n  }\n}\nexport function fill(q: Q, n: number): number {\n  let done = 0;\n  for (let k = 0; k < n; k++) {\n    const page = allocPage(mem, GFP_KERNEL);\n    if (page === null) break;\n    if (q.enqueue(page, k)) done++;\n  }\n  return done;\n}`, errors: err(13) },
    // The same helper: on the path where it returned the object, the page it holds is dropped.
    { code: head + `interface Entry {\n  obj: NonNullable<ReturnType<typeof kmalloc>>;\n  page: Owned<Page<0>>;\n}\nfunction make(n: number): Entry | null {\n  if (n > 4096) return null;\n  const obj = kmalloc(mem, n, GFP_KERNEL);\n  if (obj === null) return null;\n  const page = allocPage(mem, GFP_KERNEL);\n  if (page === null) {\n    kfree(obj);\n    return null;\n  }\n  return { obj, page };\n}\nexport function f(n: number): void {\n  const e = make(n);\n  if (!e) return;\n  kfree(e.obj);\n}`, errors: [...err(9), ...err(17)] },
    // The flag read the wrong way round: the fresh allocation is the one not freed.
    { code: head + `type KP = NonNullable<ReturnType<typeof kmalloc>>;\nexport function f(dev: { setup: KP | null }): number {\n  const fresh = dev.setup === null;\n  const setup = dev.setup ?? kmalloc(mem, 8, GFP_KERNEL)!;\n  readRaw(setup, buf, 0);\n  if (!fresh) kfree(setup);\n  return 1;\n}`, errors: err(7) },
    // allocPagesBulk fills the array with owned pages; nothing frees them.
    { code: head + `export function f(): number {\n  const pages: (Owned<Page<0>> | null)[] = new Array(4).fill(null);\n  return allocPagesBulk(mem, GFP_KERNEL, 4, pages);\n}`, errors: err(3) },
    // Keys computed with bitwise operators are constants: 5 & ~3 is 4, so the third set() overwrites a page.
    { code: head + `export function f() {\n  const m = new Map<number, Owned<Page<0>>>();\n  const fill = (k: number): void => {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) m.set(k & ~3, p);\n  };\n  fill(0);\n  fill(4);\n  fill(5);\n  for (const p of m.values()) freePage(p);\n}`, errors: [...err(4), ...err(5), ...err(9)] },
    // The same with template-literal keys: `${k}:1` and `${k}:2` differ for one k, and the second fill() meets the first.
    { code: head + 'export function f() {\n  const m = new Map<string, Owned<Page<0>>>();\n  const fill = (k: number, i: number): void => {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p) m.set(`${k}:${i >> 1}`, p);\n  };\n  fill(1, 2);\n  fill(1, 3);\n  for (const p of m.values()) freePage(p);\n}', errors: [...err(4), ...err(5), ...err(8)] },
    // add() stores its argument and returns true, or returns false and leaves it with the caller: on the
    // false side the page is the caller's, and `continue` drops it.
    { code: head + `class Cache {\n  readonly m = new Map<number, Owned<Page<0>>>();\n  add(k: number, p: Owned<Page<0>>): boolean {\n    if (this.m.has(k)) return false;\n    this.m.set(k, p);\n    return true;\n  }\n}\nexport function fill(c: Cache, keys: number[]): number {\n  let n = 0;\n  for (const k of keys) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p === null) break;\n    if (!c.add(k, p)) continue;\n    n++;\n  }\n  return n;\n}`, errors: err(14) },
    // A pool whose cache is known empty hands out a fresh page (pop() of [] is undefined): dropped at the return.
    { code: head + `class Pool {\n  readonly cache: Owned<Page<0>>[] = [];\n  get(): Owned<Page<0>> | null {\n    const c = this.cache.pop();\n    if (c !== undefined) return c;\n    return allocPage(mem, GFP_KERNEL);\n  }\n}\nexport function f(): number {\n  const pool = new Pool();\n  const p = pool.get();\n  if (p === null) return 0;\n  return 1;\n}`, errors: [...err(6), ...err(13)] },
    // An entry of a Map by constant keys deleted without a free.
    { code: head + `export function f() {\n  const m = new Map<number, Owned<Page<0>>>();\n  for (let i = 0; i < 3; i++) {\n    const p = allocPage(mem, GFP_KERNEL);\n    if (p === null) break;\n    m.set(i, p);\n  }\n  m.delete(2);\n  for (const p of m.values()) freePage(p);\n}`, errors: err(4) },
  ],
});

tester.run('sleep-in-atomic', rule('sleep-in-atomic'), {
  valid: [
    // A take from a cache under a helper's lock, the cache topped up first: the fallback is not a path known to run.
    { code: head + `class Cache {\n  readonly objs: Owned<Page<0>>[] = [];\n  topUp(n: number): void {\n    while (this.objs.length < n) {\n      const p = allocPage(mem, GFP_KERNEL);\n      if (p === null) return;\n      this.objs.push(p);\n    }\n  }\n  take(): Owned<Page<0>> | null {\n    return this.objs.pop() ?? allocPage(mem, GFP_KERNEL);\n  }\n}\nconst lock = spinLockInit(mem);\nfunction install(c: Cache, slots: Owned<Page<0>>[]): void {\n  withSpinLock(lock, () => {\n    const p = c.take();\n    if (p) slots.push(p);\n  });\n}\nexport function f(): void {\n  const c = new Cache();\n  const slots: Owned<Page<0>>[] = [];\n  c.topUp(1);\n  install(c, slots);\n  for (const p of [...slots, ...c.objs]) freePage(p);\n}` },
    // The fallback of a take from a cache topped up before the lock (kvm_mmu_memory_cache_alloc()).
    { code: head + `const lock = spinLockInit(mem);\nclass Cache {\n  readonly objs: Owned<Page<0>>[] = [];\n  topUp(n: number): boolean {\n    while (this.objs.length < n) {\n      const p = allocPage(mem, GFP_KERNEL);\n      if (p === null) return false;\n      this.objs.push(p);\n    }\n    return true;\n  }\n  take(): Owned<Page<0>> | null {\n    return this.objs.pop() ?? allocPage(mem, GFP_KERNEL);\n  }\n}\nexport function f(c: Cache): void {\n  if (!c.topUp(1)) return;\n  const p = withSpinLock(lock, () => c.take());\n  if (p) freePage(p);\n}` },
    // A helper allocating lazily when a field is still null, run once before the lock: under the
    // lock it allocates only if that first allocation failed, which the checker does not guess.
    { code: head + `const lock = spinLockInit(mem);\ninterface Stash {\n  k: ReturnType<typeof kmalloc>;\n}\nfunction ensure(st: Stash) {\n  if (st.k === null) st.k = kmalloc(mem, 64, GFP_KERNEL);\n  return st.k;\n}\nexport function f() {\n  const st: Stash = { k: null };\n  ensure(st);\n  withSpinLock(lock, () => {\n    ensure(st);\n  });\n  if (st.k) kfree(st.k);\n}` },
    { code: head + `const lock = spinLockInit(mem);\nexport function f() {\n  const a = vmalloc(mem, 4096, GFP_KERNEL);\n  const n = withSpinLock(lock, () => (a ? vmallocSize(a) : 0));\n  if (a) vfree(a);\n  return n;\n}` },
  ],
  invalid: [
    // The same with a cache the caller made and never topped up: the fallback surely runs, under install()'s lock.
    { code: head + `class Cache {\n  readonly objs: Owned<Page<0>>[] = [];\n  topUp(n: number): void {\n    while (this.objs.length < n) {\n      const p = allocPage(mem, GFP_KERNEL);\n      if (p === null) return;\n      this.objs.push(p);\n    }\n  }\n  take(): Owned<Page<0>> | null {\n    return this.objs.pop() ?? allocPage(mem, GFP_KERNEL);\n  }\n}\nconst lock = spinLockInit(mem);\nfunction install(c: Cache, slots: Owned<Page<0>>[]): void {\n  withSpinLock(lock, () => {\n    const p = c.take();\n    if (p) slots.push(p);\n  });\n}\nexport function f(): void {\n  const c = new Cache();\n  const slots: Owned<Page<0>>[] = [];\n  install(c, slots);\n  for (const p of slots) freePage(p);\n}`, errors: err(17) },
    // An async critical section: refused at run time before it runs.
    { code: head + `const lock = spinLockInit(mem);\nexport function f() {\n  return withSpinLock(lock, async () => {\n    await Promise.resolve();\n  });\n}`, errors: err(3) },
    // A const whose declared type forgot the flags: its initialiser says GFP_KERNEL.
    { code: head + `const lock = spinLockInit(mem);\nfunction grab(gfp: number) {\n  return kmalloc(mem, 32, gfp);\n}\nexport function f() {\n  const flags: number = GFP_KERNEL;\n  const k = withSpinLock(lock, () => grab(flags));\n  if (k) kfree(k);\n}`, errors: err(7) },
    // vfree() may sleep whatever its flags.
    { code: head + `const lock = spinLockInit(mem);\nexport function f() {\n  const a = vmalloc(mem, 4096, GFP_KERNEL);\n  withSpinLock(lock, () => {\n    if (a) vfree(a);\n  });\n}`, errors: err(5) },
  ],
});

const headMap = `import { withPageMapped, virtToPage, type KmallocPtr } from 'memdesc';\n`;
tester.run('free-while-mapped', rule('free-while-mapped'), {
  valid: [
    // The page taken out of the caller's array is freed once its mapping is gone.
    { code: headMap + head + `export function f(pages: Owned<Page<0>>[]): void {\n  const page = pages.shift();\n  if (!page) return;\n  withPageMapped(page, (v) => v.fill(0));\n  freePage(page);\n}` },
  ],
  invalid: [
    // A segment loader that frees the image's whole page list from inside the mapping of the page
    // it just added (kexec's verify failing): the first node walked is the mapped page.
    { code: headMap + head + `interface Seg {\n  page: Owned<Page<0>>;\n  next: Seg | null;\n}\nclass Image {\n  head: Seg | null = null;\n  add(page: Owned<Page<0>>): void {\n    this.head = { page, next: this.head };\n  }\n  freeAll(): void {\n    let e = this.head;\n    this.head = null;\n    while (e !== null) {\n      const next = e.next;\n      freePage(e.page);\n      e = next;\n    }\n  }\n}\nfunction load(image: Image): boolean {\n  const page = allocPage(mem, GFP_KERNEL);\n  if (page === null) return false;\n  image.add(page);\n  return withPageMapped(page, (v) => {\n    if (v[0] === 0) return true;\n    image.freeAll();\n    return false;\n  });\n}\nexport function f(): void {\n  const image = new Image();\n  if (load(image)) image.freeAll();\n}`, errors: [{ messageId: 'finding' as const, line: L + 27 }] },
    // The same freed inside its own mapping (a scatterwalk releasing each page as it goes).
    { code: headMap + head + `export function f(pages: Owned<Page<0>>[]): void {\n  const page = pages.shift();\n  if (!page) return;\n  withPageMapped(page, (v) => {\n    v.fill(0);\n    freePage(page);\n  });\n}`, errors: [{ messageId: 'finding' as const, line: L + 7 }] },
    // pop() of an array whose entries are all known takes out the last one: the free under the
    // mapping surely hits the mapped object.
    { code: headMap + head + `function drop(list: KmallocPtr[]): void {\n  const r = list.pop();\n  if (r !== undefined) kfree(r);\n}\nexport function f() {\n  const list: KmallocPtr[] = [];\n  const r = kmalloc(mem, 64, GFP_KERNEL);\n  if (r === null) return;\n  list.push(r);\n  withPageMapped(virtToPage(r), () => drop(list));\n  for (const x of list) kfree(x);\n}`, errors: [{ messageId: 'finding' as const, line: L + 11 }] },
  ],
});

tester.run('use-after-move', rule('use-after-move'), {
  valid: [
    // A reference taken on the shared object before an await and read after it: the owner was moved
    // into the shared one before the continuation was made, which is no use of the owner.
    { code: head.replace('type Memory', 'type Memory, defineMemdesc, memdescAlloc, memdescGet, memdescPut, memdescAddress, intoShared') + `const D = defineMemdesc({ name: 'stable', ownable: true, refcounted: true });\nconst tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));\nexport async function f(): Promise<void> {\n  const owned = memdescAlloc(mem, D, GFP_KERNEL);\n  if (owned === null) return;\n  const stable = intoShared(owned);\n  const scan = async (): Promise<void> => {\n    const ref = memdescGet(stable);\n    await tick();\n    readRaw(memdescAddress(ref), buf, 0);\n    memdescPut(ref);\n  };\n  await Promise.all([scan(), scan()]);\n  memdescPut(stable);\n}` },
  ],
  invalid: [],
});
