/**
 * Programs for the checker's tests: each misuse marks the line the checker must flag with a
 * trailing `// <- rule`; every other line must stay clean. Each `bad` program has a `good` twin of
 * the same shape that is correct.
 */
export interface Case {
  readonly name: string;
  /** File name → source. The first file is the one checked; the others are modules it imports. */
  readonly files: Record<string, string>;
}

const H = `import {
  createMemory, allocPage, allocPages, freePage, freePages, readRaw, writeRaw, pageToPfn, pageAddress, virtToPage,
  folioAlloc, folioGet, folioPut, folioPage, getPage, putPage, folioLock, folioUnlock, folioTrylock,
  kmalloc, kfree, vmalloc, vfree, kmemCacheCreate, kmemCacheAlloc, kmemCacheFree,
  defineMemdesc, memdescAlloc, memdescFree, memdescPut, intoShared, tryFromShared,
  spinLockInit, withSpinLock, withPageMapped, gfp,
  GFP_KERNEL, GFP_ATOMIC, __GFP_ZERO,
  type Owned, type ARef, type Page, type Folio, type Live, type Consumed, type Memory, type AtomicContext, type KmallocPtr,
} from 'memdesc';
const mem = createMemory();
const buf = new Uint8Array(8);
`;

function c(name: string, body: string, extra: Record<string, string> = {}): Case {
  return { name, files: { [`${name}.ts`]: H + body, ...extra } };
}

/** The ten shapes an outside user found, each with its correct twin, and more. */
export const CASES: { bad: Case; good: Case }[] = [
  {
    bad: c('helper-frees-arg', `
function release(page: Owned<Page<0>> & Live): void {
  freePage(page);
}
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  release(p);
  readRaw(p, buf, 0); // <- use-after-free
}
`),
    good: c('helper-frees-arg-ok', `
function release(page: Owned<Page<0>> & Live): void {
  freePage(page);
}
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  readRaw(p, buf, 0);
  release(p);
}
`),
  },
  {
    bad: c('freed-folio-to-aref-helper', `
function checksum(f: ARef<Folio> & Live): number {
  const out = new Uint8Array(4);
  readRaw(f, out, 0); // <- use-after-free
  return out[0]!;
}
export function run(): number {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  const g = f;
  folioPut(g);
  return checksum(f); // <- use-after-free
}
`),
    good: c('freed-folio-to-aref-helper-ok', `
function checksum(f: ARef<Folio> & Live): number {
  const out = new Uint8Array(4);
  readRaw(f, out, 0);
  return out[0]!;
}
export function run(): number {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  const g = folioGet(f);
  folioPut(f);
  const n = checksum(g);
  folioPut(g);
  return n;
}
`),
  },
  {
    bad: c('class-field-closed', `
class Ring {
  page: Owned<Page<0>>;
  constructor(m: Memory) {
    this.page = allocPage(m, GFP_KERNEL)!;
  }
  read(out: Uint8Array): void {
    readRaw(this.page, out, 0); // <- use-after-free
  }
  close(): void {
    freePage(this.page);
  }
}
export function run(): void {
  const r = new Ring(mem);
  r.read(buf);
  r.close();
  r.read(buf); // <- use-after-free
}
`),
    good: c('class-field-closed-ok', `
class Ring {
  page: Owned<Page<0>>;
  constructor(m: Memory) {
    this.page = allocPage(m, GFP_KERNEL)!;
  }
  read(out: Uint8Array): void {
    readRaw(this.page, out, 0);
  }
  close(): void {
    freePage(this.page);
  }
}
export function run(): void {
  const r = new Ring(mem);
  r.read(buf);
  r.read(buf);
  r.close();
}
`),
  },
  {
    bad: c('array-two-lookups', `
export function run(): void {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 4; i++) pages.push(allocPage(mem, GFP_KERNEL)!); // <- leak (pages 0, 1 and 3 are never freed)
  const victim = pages[2]!;
  freePage(victim);
  freePage(pages[2]!); // <- double-free
}
`),
    good: c('array-two-lookups-ok', `
export function run(): void {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 4; i++) pages.push(allocPage(mem, GFP_KERNEL)!);
  const victim = pages[2]!;
  readRaw(pages[2]!, buf, 0);
  freePage(victim);
  readRaw(pages[1]!, buf, 0);
  for (const p of pages.splice(0)) if (p !== victim) freePage(p);
}
`),
  },
  {
    bad: c('map-two-lookups', `
export function run(ids: number[]): void {
  const byId = new Map<number, Owned<Page<0>>>();
  for (const id of ids) byId.set(id, allocPage(mem, GFP_KERNEL)!);
  const p = byId.get(7);
  if (p) freePage(p);
  const again = byId.get(7);
  if (again) freePage(again); // <- double-free
}
`),
    good: c('map-two-lookups-ok', `
export function run(ids: number[]): void {
  const byId = new Map<number, Owned<Page<0>>>();
  for (const id of ids) byId.set(id, allocPage(mem, GFP_KERNEL)!);
  const p = byId.get(7);
  if (p) {
    freePage(p);
    byId.delete(7);
  }
  const again = byId.get(7);
  if (again) freePage(again);
  for (const q of byId.values()) freePage(q);
}
`),
  },
  {
    bad: c('helper-returns-freed', `
function grab(m: Memory): Owned<Page<0>> | null {
  const p = allocPage(m, GFP_KERNEL);
  if (p) freePage(p);
  return p; // <- use-after-free
}
export function run(): void {
  const p = grab(mem);
  if (p) readRaw(p, buf, 0); // <- use-after-free
}
`),
    good: c('helper-returns-freed-ok', `
function grab(m: Memory): Owned<Page<0>> | null {
  const p = allocPage(m, GFP_KERNEL);
  if (p) writeRaw(p, buf, 0);
  return p;
}
export function run(): void {
  const p = grab(mem);
  if (p) {
    readRaw(p, buf, 0);
    freePage(p);
  }
}
`),
  },
  {
    bad: c('async-continuation', `
const tick = () => new Promise<void>((r) => setTimeout(r, 0));
async function flushLater(f: ARef<Folio> & Live): Promise<void> {
  await tick();
  readRaw(f, buf, 0); // <- use-after-free
}
export async function run(): Promise<void> {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  const pending = flushLater(f);
  folioPut(f); // <- use-after-free
  await pending;
}
`),
    good: c('async-continuation-ok', `
const tick = () => new Promise<void>((r) => setTimeout(r, 0));
async function flushLater(f: ARef<Folio> & Live): Promise<void> {
  await tick();
  readRaw(f, buf, 0);
}
export async function run(): Promise<void> {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  const pending = flushLater(f);
  await pending;
  folioPut(f);
}
`),
  },
  {
    bad: c('stored-after-free', `
interface Slot { page: Owned<Page<0>> | null }
export function run(slot: Slot): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  slot.page = p; // <- use-after-free
}
`),
    good: c('stored-after-free-ok', `
interface Slot { page: Owned<Page<0>> | null }
export function run(slot: Slot): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  slot.page = p;
}
`),
  },
  {
    bad: c('closure-before-free', `
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const peek = () => readRaw(p, buf, 0); // <- use-after-free
  freePage(p);
  peek(); // <- use-after-free
}
`),
    good: c('closure-before-free-ok', `
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const peek = () => readRaw(p, buf, 0);
  peek();
  freePage(p);
}
`),
  },
  {
    bad: c('alias-ternary', `
export function run(c: boolean): void {
  const a = allocPage(mem, GFP_KERNEL)!;
  const b = allocPage(mem, GFP_KERNEL)!;
  const pick = c ? a : b;
  freePage(a);
  freePage(b);
  readRaw(pick, buf, 0); // <- use-after-free
}
`),
    good: c('alias-ternary-ok', `
export function run(c: boolean): void {
  const a = allocPage(mem, GFP_KERNEL)!;
  const b = allocPage(mem, GFP_KERNEL)!;
  const pick = c ? a : b;
  readRaw(pick, buf, 0);
  freePage(a);
  freePage(b);
}
`),
  },
  {
    bad: c('destructured', `
export function run(): void {
  const pair = { first: allocPage(mem, GFP_KERNEL)!, second: allocPage(mem, GFP_KERNEL)! };
  const { first, second } = pair;
  freePage(first);
  freePage(pair.first); // <- double-free
  freePage(second);
}
`),
    good: c('destructured-ok', `
export function run(): void {
  const pair = { first: allocPage(mem, GFP_KERNEL)!, second: allocPage(mem, GFP_KERNEL)! };
  const { first, second } = pair;
  freePage(first);
  freePage(second);
}
`),
  },
  {
    bad: c('move-into-shared', `
const Orc = defineMemdesc({ name: 'orc', ownable: true, refcounted: true });
export function run(): void {
  const owned = memdescAlloc(mem, Orc, GFP_KERNEL)!;
  const shared = intoShared(owned);
  memdescFree(owned); // <- use-after-move
  memdescPut(shared);
}
`),
    good: c('move-into-shared-ok', `
const Orc = defineMemdesc({ name: 'orc', ownable: true, refcounted: true });
export function run(): void {
  const owned = memdescAlloc(mem, Orc, GFP_KERNEL)!;
  const shared = intoShared(owned);
  const back = tryFromShared(shared);
  if (back.unique) memdescFree(back);
  else memdescPut(back);
}
`),
  },
  {
    bad: c('leak-early-return', `
export function fill(n: number): number {
  const p = allocPage(mem, GFP_KERNEL);
  if (!p) return -1;
  if (n > 8) return -2; // <- leak
  writeRaw(p, buf, 0);
  freePage(p);
  return 0;
}
`),
    good: c('leak-early-return-ok', `
export function fill(n: number): number {
  const p = allocPage(mem, GFP_KERNEL);
  if (!p) return -1;
  if (n > 8) {
    freePage(p);
    return -2;
  }
  writeRaw(p, buf, 0);
  freePage(p);
  return 0;
}
`),
  },
  {
    bad: c('leak-loop-overwrite', `
export function run(n: number): void {
  let buf2: KmallocPtr | null = null;
  for (let i = 0; i < n; i++) {
    buf2 = kmalloc(mem, 64, GFP_KERNEL); // <- leak
  }
  if (buf2) kfree(buf2);
}
`),
    good: c('leak-loop-overwrite-ok', `
export function run(n: number): void {
  let buf2: KmallocPtr | null = null;
  for (let i = 0; i < n; i++) {
    if (buf2) kfree(buf2);
    buf2 = kmalloc(mem, 64, GFP_KERNEL);
  }
  if (buf2) kfree(buf2);
}
`),
  },
  {
    bad: c('leak-map-delete', `
export function run(cache: Map<string, Owned<Page<0>>>): void {
  const local = new Map<string, Owned<Page<0>>>();
  local.set('a', allocPage(mem, GFP_KERNEL)!);
  local.delete('a'); // <- leak
  void cache;
}
`),
    good: c('leak-map-delete-ok', `
export function run(cache: Map<string, Owned<Page<0>>>): void {
  const local = new Map<string, Owned<Page<0>>>();
  local.set('a', allocPage(mem, GFP_KERNEL)!);
  const p = local.get('a');
  if (p) freePage(p);
  local.delete('a');
  cache.set('b', allocPage(mem, GFP_KERNEL)!);
}
`),
  },
  {
    bad: c('sleep-in-atomic-helper', `
function refill(m: Memory): Owned<Page<0>> | null {
  return allocPage(m, GFP_KERNEL);
}
const lock = spinLockInit(mem);
export function run(): void {
  const p = withSpinLock(lock, () => refill(mem)); // <- sleep-in-atomic
  if (p) freePage(p);
}
`),
    good: c('sleep-in-atomic-helper-ok', `
function refill(m: Memory | AtomicContext): Owned<Page<0>> | null {
  return allocPage(m, GFP_ATOMIC);
}
const lock = spinLockInit(mem);
export function run(): void {
  const p = withSpinLock(lock, (ctx) => refill(ctx));
  if (p) freePage(p);
  const q = refill(mem);
  if (q) freePage(q);
}
`),
  },
  {
    bad: c('free-while-mapped-helper', `
function drop(p: Owned<Page<0>> & Live): void {
  freePage(p);
}
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  withPageMapped(p, (view) => {
    view[0] = 1;
    drop(p); // <- free-while-mapped
  });
}
`),
    good: c('free-while-mapped-helper-ok', `
function drop(p: Owned<Page<0>> & Live): void {
  freePage(p);
}
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  withPageMapped(p, (view) => {
    view[0] = 1;
  });
  drop(p);
}
`),
  },
  {
    bad: c('cross-module', `
import { release } from './cross-lib.js';
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  release(p);
  release(p); // <- double-free
}
`, {
      'cross-lib.ts': `import { freePage, type Owned, type Page, type Live } from 'memdesc';
export function release(page: Owned<Page<0>> & Live): void {
  freePage(page);
}
`,
    }),
    good: c('cross-module-ok', `
import { release } from './cross-lib.js';
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  readRaw(p, buf, 0);
  release(p);
}
`, {
      'cross-lib.ts': `import { freePage, type Owned, type Page, type Live } from 'memdesc';
export function release(page: Owned<Page<0>> & Live): void {
  freePage(page);
}
`,
    }),
  },
  {
    bad: c('user-assertion-consumer', `
declare function retire<P extends Owned<Page<0>> & Live>(p: P): asserts p is P & Consumed;
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const q = p;
  retire(p);
  readRaw(q, buf, 0); // <- use-after-free
}
`),
    good: c('user-assertion-consumer-ok', `
declare function retire<P extends Owned<Page<0>> & Live>(p: P): asserts p is P & Consumed;
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const q = p;
  readRaw(q, buf, 0);
  retire(p);
}
`),
  },
  {
    bad: c('folio-view-after-last-put', `
export function run(): void {
  const f = folioAlloc(mem, GFP_KERNEL, 1)!;
  const pg = folioPage(f, 1);
  folioPut(f);
  readRaw(pg, buf, 0); // <- use-after-free
}
`),
    good: c('folio-view-after-last-put-ok', `
export function run(): void {
  const f = folioAlloc(mem, GFP_KERNEL, 1)!;
  const extra = folioGet(f);
  const pg = folioPage(f, 1);
  folioPut(f);
  readRaw(pg, buf, 0);
  folioPut(extra);
}
`),
  },
  {
    bad: c('leak-continue', `
export function run(items: number[]): number {
  let n = 0;
  for (const it of items) {
    const p = allocPage(mem, GFP_KERNEL);
    if (!p) break;
    if (it < 0) continue; // <- leak
    writeRaw(p, buf, 0);
    freePage(p);
    n++;
  }
  return n;
}
`),
    good: c('leak-continue-ok', `
export function run(items: number[]): number {
  let n = 0;
  for (const it of items) {
    const p = allocPage(mem, GFP_KERNEL);
    if (!p) break;
    if (it < 0) {
      freePage(p);
      continue;
    }
    writeRaw(p, buf, 0);
    freePage(p);
    n++;
  }
  return n;
}
`),
  },
  {
    bad: c('double-put-helper', `
function drop(f: ARef<Folio> & Live): void {
  folioPut(f); // <- double-free
}
export function run(): void {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  const extra = folioGet(f);
  drop(f);
  drop(extra);
  drop(f); // <- double-free
}
`),
    good: c('double-put-helper-ok', `
function drop(f: ARef<Folio> & Live): void {
  folioPut(f);
}
export function run(): void {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  const extra = folioGet(f);
  drop(f);
  drop(extra);
}
`),
  },
  {
    bad: c('this-array-two-lookups', `
class Table {
  readonly pages: Owned<Page<0>>[] = [];
  evict(i: number): void {
    const p = this.pages[i];
    if (p) freePage(p);
  }
  reset(): void {
    const first = this.pages[0];
    if (first) freePage(first); // <- double-free
  }
}
export function run(t: Table): void {
  t.evict(0);
  t.reset(); // <- double-free
}
`),
    good: c('this-array-two-lookups-ok', `
class Table {
  readonly pages: (Owned<Page<0>> | null)[] = [];
  evict(i: number): void {
    const p = this.pages[i];
    if (p) freePage(p);
    this.pages[i] = null;
  }
  reset(): void {
    const first = this.pages[0];
    if (first) freePage(first);
    this.pages[0] = null;
  }
}
export function run(t: Table): void {
  t.evict(0);
  t.reset();
}
`),
  },
  {
    bad: c('struct-field-alias', `
interface Job { page: Owned<Page<0>>; done: boolean }
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const job: Job = { page: p, done: false };
  freePage(p);
  readRaw(job.page, buf, 0); // <- use-after-free
}
`),
    good: c('struct-field-alias-ok', `
interface Job { page: Owned<Page<0>>; done: boolean }
export function run(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const job: Job = { page: p, done: false };
  readRaw(job.page, buf, 0);
  freePage(p);
}
`),
  },
  {
    bad: c('sleep-direct-outer-mem', `
const lock = spinLockInit(mem);
export function run(): void {
  withSpinLock(lock, () => {
    const b = kmalloc(mem, 64, GFP_KERNEL); // <- sleep-in-atomic
    if (b) kfree(b);
  });
}
`),
    good: c('sleep-direct-outer-mem-ok', `
const lock = spinLockInit(mem);
export function run(): void {
  withSpinLock(lock, (ctx) => {
    const b = kmalloc(ctx, 64, GFP_ATOMIC);
    if (b) kfree(b);
  });
  const c2 = kmalloc(mem, 64, GFP_KERNEL);
  if (c2) kfree(c2);
}
`),
  },
];
