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
}

const ROLE_NAMES = ['owned', 'aref', 'borrowed'];

/** Release hook per memdesc kind, installed by each layer (buddy, folio, slab, …). */
export type Disposer = (h: PageHandle) => void;

/** Internal accessors: the only way to read a handle's private fields. */
export interface HandleAccess {
  is(x: unknown): x is PageHandle;
  mem(h: PageHandle): MemoryImpl;
  pfn(h: PageHandle): number;
  head(h: PageHandle): number;
  gen(h: PageHandle): number;
  order(h: PageHandle): number;
  role(h: PageHandle): Role;
  live(h: PageHandle): boolean;
  /** Marks the handle consumed (freed, put, or moved into another handle). */
  kill(h: PageHandle): void;
}

export let H!: HandleAccess;
let disposer: Disposer | undefined;

/** Installs what `[Symbol.dispose]` does for a live owned handle. */
export function setDisposer(d: Disposer): void {
  disposer = d;
}

export class PageHandle {
  readonly #mem: MemoryImpl;
  readonly #pfn: number;
  readonly #head: number;
  readonly #gen: number;
  readonly #order: number;
  readonly #role: Role;
  #live = true;

  constructor(mem: MemoryImpl, pfn: number, head: number, gen: number, order: number, role: Role) {
    this.#mem = mem;
    this.#pfn = pfn;
    this.#head = head;
    this.#gen = gen;
    this.#order = order;
    this.#role = role;
  }

  /**
   * `Drop` for `Owned<T>` / `ARef<T>`: at the end of a `using` scope a still-live owner is freed
   * and a still-live reference is put. A handle already freed or moved is left alone, as Rust
   * does not drop a moved-from value.
   */
  [Symbol.dispose](): void {
    if (!this.#live || this.#role === Role.Borrowed) return;
    if (this.#mem.map.gen[this.#head] !== this.#gen) return;
    disposer?.(this);
  }

  /** What `console.log(page)` shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toString(): string {
    const live = this.#live && this.#mem.map.gen[this.#head] === this.#gen;
    return `Page(pfn:${hexPfn(this.#pfn)} order:${this.#order} ${ROLE_NAMES[this.#role]}${live ? '' : ' stale'})`;
  }

  static {
    H = {
      is: (x: unknown): x is PageHandle => typeof x === 'object' && x !== null && #pfn in x,
      mem: (h) => h.#mem,
      pfn: (h) => h.#pfn,
      head: (h) => h.#head,
      gen: (h) => h.#gen,
      order: (h) => h.#order,
      role: (h) => h.#role,
      live: (h) => h.#live && h.#mem.map.gen[h.#head] === h.#gen,
      kill: (h) => {
        h.#live = false;
      },
    };
  }
}

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
  const what = H.role(h) === Role.Owned ? 'freed' : H.role(h) === Role.Shared ? 'put' : 'freed by its owner';
  const head = freeing
    ? `BUG: double free: ${fn}() on pfn:${hexPfn(pfn)} (order ${H.order(h)}), which this handle already ${what}`
    : `BUG: KASAN: use-after-free in ${fn}(): pfn:${hexPfn(pfn)} (order ${H.order(h)}) was already ${what}`;
  const fr = mem.lastFree?.get(H.head(h));
  const tail = fr === undefined ? '' : '\n' + mem.dumpPage(H.head(h));
  const msg = head + tail;
  mem.logOnly(msg);
  return new MmError(freeing ? 'DOUBLE_FREE' : 'USE_AFTER_FREE', msg, pfn);
}
