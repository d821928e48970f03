/**
 * `BUG:` / `WARNING:` report classes, as stable codes — every rule the type layer enforces at
 * compile time has one of these at run time, for misuse that arrives through a cast, `any`, an
 * alias the compiler cannot follow, or plain JavaScript:
 *
 * - `DOUBLE_FREE` — a second free or put of one handle or address ("BUG: double free", KASAN
 *   double-free);
 * - `USE_AFTER_FREE` — any use of a handle, address, cache or shrinker after it was freed
 *   ("BUG: KASAN: use-after-free");
 * - `BAD_ORDER` — `__free_pages()` with another order than allocated ("Bad page state");
 * - `BAD_PAGE_STATE` — `bad_page()`: freeing a page still mapped, locked or kmapped, freeing a
 *   block another memdesc owns, writing a folio without its lock;
 * - `FREE_BORROWED` — freeing through a borrow or a counted reference;
 * - `REFCOUNT_UNDERFLOW` — a put through a handle that holds no reference, a mapcount below zero
 *   (`page_ref_dec` underflow);
 * - `NOT_REFCOUNTED` — `get_page()` / a put on a memdesc that has no refcount (slab, vmalloc,
 *   page table, bare, large kmalloc);
 * - `WRONG_CACHE` — `kmem_cache_free()` into another cache (`cache_from_obj()`);
 * - `CACHE_NOT_EMPTY` — `kmem_cache_destroy()` with objects remaining;
 * - `SLEEP_IN_ATOMIC` — "BUG: sleeping function called from invalid context";
 * - `OUT_OF_BOUNDS` — an access beyond the object (KASAN slab-out-of-bounds), an index beyond a
 *   folio;
 * - `BAD_ADDRESS` — an address the API did not hand out (`virt_to_page()` of a vmalloc address,
 *   `kfree()` of an interior pointer);
 * - `FOREIGN_HANDLE` — an object memdesc did not make (a spread copy, a hand-made object), or a
 *   cache of another machine;
 * - `INVALID_ARGUMENT` — an argument of the wrong kind or range (the kernel's `-EINVAL` /
 *   `WARN_ON`);
 * - `LEAK` — `checkLeaks` found live allocations (kmemleak).
 */
export type MmErrorCode =
  | 'DOUBLE_FREE'
  | 'USE_AFTER_FREE'
  | 'BAD_ORDER'
  | 'BAD_PAGE_STATE'
  | 'FREE_BORROWED'
  | 'REFCOUNT_UNDERFLOW'
  | 'NOT_REFCOUNTED'
  | 'WRONG_CACHE'
  | 'CACHE_NOT_EMPTY'
  | 'SLEEP_IN_ATOMIC'
  | 'OUT_OF_BOUNDS'
  | 'BAD_ADDRESS'
  | 'FOREIGN_HANDLE'
  | 'INVALID_ARGUMENT'
  | 'LEAK';

/**
 * (no kernel counterpart) — every {@link MmErrorCode}, in the order the type lists them — for tests
 * that iterate over all codes, and for tools that validate a code read from a log.
 */
export const MM_ERROR_CODES: readonly MmErrorCode[] = [
  'DOUBLE_FREE',
  'USE_AFTER_FREE',
  'BAD_ORDER',
  'BAD_PAGE_STATE',
  'FREE_BORROWED',
  'REFCOUNT_UNDERFLOW',
  'NOT_REFCOUNTED',
  'WRONG_CACHE',
  'CACHE_NOT_EMPTY',
  'SLEEP_IN_ATOMIC',
  'OUT_OF_BOUNDS',
  'BAD_ADDRESS',
  'FOREIGN_HANDLE',
  'INVALID_ARGUMENT',
  'LEAK',
];

/**
 * `BUG:` / `WARNING:` — what the kernel prints when a memory-management rule is broken, as an
 * exception.
 *
 * memdesc throws `MmError` for every rule violation it detects at run time. The `code` is stable
 * (see {@link MmErrorCode}); the `message` is written the way the kernel reports the same problem
 * (`BUG: Bad page state in process memdesc pfn:0x1a2b reason: nonzero mapcount`), and most reports
 * also go to the machine's log (`dmesg`). When an `MmError` is thrown, the allocator's state is
 * exactly what it was before the call.
 *
 * **When to use**: catch it in tests (`expect(() => …).toThrow(MmError)` and check `.code`);
 * never to drive control flow in a correct program, which never sees one.
 *
 * **Gotchas**: test `.code`, not the message (messages may gain detail). Not every throw is an
 * `MmError`: a callback of yours that throws (a shrinker, a release hook, a `withSpinLock` body)
 * propagates its own error, and `verifyMemory` throws a plain `Error`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, MmError, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory({ pages: 1024 });
 * const p = allocPage(mem, GFP_KERNEL)!;
 * freePage(p);
 * try {
 *   // @memdesc-expect-error double-free — the checker sees through the cast
 *   freePage(p as any);
 * } catch (e) {
 *   if (e instanceof MmError) console.log(e.code); // "DOUBLE_FREE"
 * }
 * ```
 * @see {@link MmErrorCode}
 * @see {@link dmesg}
 */
export class MmError extends Error {
  /** The stable code: test against this, not against the message. */
  readonly code: MmErrorCode;
  /** The page frame number the error is about, when there is one. */
  readonly pfn: number | undefined;

  constructor(code: MmErrorCode, message: string, pfn?: number) {
    super(message);
    this.name = 'MmError';
    this.code = code;
    this.pfn = pfn;
  }
}

/** Formats a pfn the way memdesc's reports do: `0x1a2b`. */
export function hexPfn(pfn: number): string {
  return '0x' + pfn.toString(16);
}

/** Throws `INVALID_ARGUMENT` with a message that names the function and the bad value. */
export function invalidArgument(fn: string, what: string, value: unknown): never {
  throw new MmError('INVALID_ARGUMENT', `${fn}(): ${what}, got ${describeValue(value)}`);
}

/** A short, safe rendering of any value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
    case 'boolean':
    case 'symbol':
      return String(value);
    case 'function':
      return 'a function';
    default: {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      const name = typeof ctor?.name === 'string' ? ctor.name : 'Object';
      return Array.isArray(value) ? 'an array' : `an object (${name})`;
    }
  }
}
