/**
 * Page handles at run time: one small object per allocation, holding integers only. The state
 * lives in the memmap; the handle records which block it names, at which generation, and in what
 * role (owner, counted reference, borrow). Its fields are ES private fields, so a spread copy or a
 * hand-made object is recognised as forged (`FOREIGN_HANDLE`), and a handle whose block was freed
 * — even if the pfn has been handed out again since — is recognised as stale by its generation.
 *
 * @module
 */
import { MmError, describeValue, hexPfn } from '../debug/mm-error.js';
import type { MemoryImpl } from './memory.js';

/** The handle's role: what its holder may do with it. */
export const enum Role {
  /** `Owned<T>`: the unique owner; may free. */
  Owned = 0,
  /** `ARef<T>`: one counted reference; may put. */
  Shared = 1,
  /** `&T`: may read; never free or put. */
  Borrowed = 2,
  /** A lock guard (`LockedFolio`): may write; unlocking consumes it. */
  Locked = 3,
}

const ROLE_NAMES = ['owned', 'aref', 'borrowed', 'locked'];

/** What leaving a `using` scope does with a live handle, installed by each memdesc layer. */
export type Disposer = (h: PageHandle) => void;

export const NOT_A_HANDLE = -1;
export const STALE = -2;
export const NOT_OWNER = -3;

/*
 * #bits: the order (bits 0..3), the role (bits 4..5), consumed (bit 6), moved (bit 7), and
 * page view (bit 8): the handle names one page of a memdesc (folioPage, virtToPage, memdescPage),
 * not the memdesc itself, even when that page is the head.
 */
const ORDER_MASK = 0xf;
const ROLE_SHIFT = 4;
const DEAD = 0x40;
const MOVED = 0x80;
const PAGE_VIEW = 0x100;

/** Disposers by the memdesc kind of the handle's head page (see PageKind). */
const disposers: (Disposer | undefined)[] = [];

/** Installs what `[Symbol.dispose]` does for a live handle whose head page has memdesc `kind`. */
export function setDisposer(kind: number, d: Disposer): void {
  disposers[kind] = d;
}

export class PageHandle {
  readonly #mem: MemoryImpl;
  readonly #pfn: number;
  readonly #head: number;
  readonly #gen: number;
  #bits: number;

  constructor(mem: MemoryImpl, pfn: number, head: number, gen: number, order: number, role: Role, pageView = false) {
    this.#mem = mem;
    this.#pfn = pfn;
    this.#head = head;
    this.#gen = gen;
    this.#bits = order | (role << ROLE_SHIFT) | (pageView ? PAGE_VIEW : 0);
  }

  /**
   * `Drop` for `Owned<T>` / `ARef<T>`: at the end of a `using` scope a still-live owner is freed
   * and a still-live reference is put. A handle already freed or moved is left alone, as Rust
   * does not drop a moved-from value.
   */
  [Symbol.dispose](): void {
    if (this.#bits & DEAD || this.#bits >> ROLE_SHIFT === Role.Borrowed) return;
    if (this.#mem.map.gen[this.#head] !== this.#gen) return;
    disposers[this.#mem.map.kind[this.#head]!]?.(this);
  }

  /**
   * Whether this handle is the unique owner (`Owned<T>`): the discriminant of the
   * `Owned<T> | ARef<T>` that `tryFromShared` returns. `false` for references, borrows and locks.
   */
  get unique(): boolean {
    return (this.#bits >> ROLE_SHIFT) === Role.Owned;
  }

  /** What `console.log(page)` shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toString(): string {
    const live = (this.#bits & DEAD) === 0 && this.#mem.map.gen[this.#head] === this.#gen;
    const role = ROLE_NAMES[(this.#bits >> ROLE_SHIFT) & 3];
    return `Page(pfn:${hexPfn(this.#pfn)} order:${this.#bits & ORDER_MASK} ${role}${live ? '' : ' stale'})`;
  }

  // Internal accessors: the only way to read a handle's private fields. Static methods of a
  // class bound by `const`, so the JIT inlines them.
  static is(x: unknown): x is PageHandle {
    return typeof x === 'object' && x !== null && #pfn in x;
  }
  static mem(h: PageHandle): MemoryImpl {
    return h.#mem;
  }
  static pfn(h: PageHandle): number {
    return h.#pfn;
  }
  static head(h: PageHandle): number {
    return h.#head;
  }
  static gen(h: PageHandle): number {
    return h.#gen;
  }
  static order(h: PageHandle): number {
    return h.#bits & ORDER_MASK;
  }
  static role(h: PageHandle): Role {
    return ((h.#bits >> ROLE_SHIFT) & 3) as Role;
  }
  static live(h: PageHandle): boolean {
    return (h.#bits & DEAD) === 0 && h.#mem.map.gen[h.#head] === h.#gen;
  }
  /**
   * The hot-path check of a free: the head pfn of a live, owning handle — or a negative code:
   * {@link NOT_A_HANDLE}, {@link STALE}, {@link NOT_OWNER}. One call instead of five.
   */
  static ownedHead(x: unknown): number {
    if (typeof x !== 'object' || x === null || !(#pfn in x)) return NOT_A_HANDLE;
    const h = x as PageHandle;
    if (h.#bits & DEAD || h.#mem.map.gen[h.#head] !== h.#gen) return STALE;
    if ((h.#bits >> ROLE_SHIFT) & 3 || h.#bits & PAGE_VIEW) return NOT_OWNER;
    return h.#head;
  }
  /** Marks the handle consumed (freed, put, unlocked). */
  static kill(h: PageHandle): void {
    h.#bits |= DEAD;
  }
  /** Undoes {@link kill} when the release it began was refused (a release hook threw). */
  static revive(h: PageHandle): void {
    h.#bits &= ~DEAD;
  }
  /** Marks the handle consumed by a move into another handle (`intoShared`, `tryFromShared`). */
  static move(h: PageHandle): void {
    h.#bits |= DEAD | MOVED;
  }
  static moved(h: PageHandle): boolean {
    return (h.#bits & MOVED) !== 0;
  }
  /** Whether the handle names one page of a memdesc rather than the memdesc (see PAGE_VIEW). */
  static pageView(h: PageHandle): boolean {
    return (h.#bits & PAGE_VIEW) !== 0;
  }
}

/** Internal accessors of page handles (see the static methods of {@link PageHandle}). */
export const H = PageHandle;

/**
 * Resolves a page-handle argument, or throws: `FOREIGN_HANDLE` for anything not made by memdesc
 * (a spread copy, a hand-made object) or made by another Memory than `expect`; `DOUBLE_FREE`
 * (when `freeing`) or `USE_AFTER_FREE` for a handle whose block is gone.
 */
export function checkHandle(x: unknown, fn: string, freeing: boolean, expect?: MemoryImpl): PageHandle {
  if (!H.is(x)) {
    throw new MmError(
      'FOREIGN_HANDLE',
      `BUG: ${fn}(): ${describeValue(x)} is not a page handle made by memdesc ` +
        '(a spread copy or a hand-made object cannot stand in for one)',
    );
  }
  const mem = H.mem(x);
  if (expect !== undefined && mem !== expect) {
    throw new MmError(
      'FOREIGN_HANDLE',
      `BUG: ${fn}(): page pfn:${hexPfn(H.pfn(x))} belongs to ${mem.describe()}, not to ${expect.describe()}`,
      H.pfn(x),
    );
  }
  if (!H.live(x)) throw staleHandle(x, fn, freeing);
  return x;
}

function staleHandle(h: PageHandle, fn: string, freeing: boolean): MmError {
  const mem = H.mem(h);
  const pfn = H.pfn(h);
  const role = H.role(h);
  if (H.moved(h)) {
    const msg = `BUG: KASAN: use-after-free in ${fn}(): pfn:${hexPfn(pfn)}: this handle was moved into another one (intoShared/tryFromShared); use that one`;
    mem.logOnly(msg);
    return new MmError('USE_AFTER_FREE', msg, pfn);
  }
  const what =
    role === Role.Owned ? 'freed' : role === Role.Shared ? 'put' : role === Role.Locked ? 'unlocked' : 'freed by its owner';
  const head = freeing
    ? `BUG: double free: ${fn}() on pfn:${hexPfn(pfn)} (order ${H.order(h)}), which this handle already ${what}`
    : `BUG: KASAN: use-after-free in ${fn}(): pfn:${hexPfn(pfn)} (order ${H.order(h)}) was already ${what}`;
  const fr = mem.lastFree?.get(H.head(h));
  const tail = fr === undefined ? '' : '\n' + mem.dumpPage(H.head(h));
  const msg = head + tail;
  mem.logOnly(msg);
  return new MmError(freeing ? 'DOUBLE_FREE' : 'USE_AFTER_FREE', msg, pfn);
}
