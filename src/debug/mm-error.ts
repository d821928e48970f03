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
export const MM_ERROR_CODES: readonly MmErrorCode[] = Object.freeze([
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
]);

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
 * propagates its own error, and `verifyMemory` throws a plain `Error`. The constructor never throws
 * (a message that is not a string is described instead), and describing a bad argument in a
 * message runs none of its code: no getter, no `toString`, no Proxy trap.
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
    // Never throws, whatever it is given: a message that is not a string is described instead.
    super(typeof message === 'string' ? message : describeValue(message));
    this.name = 'MmError';
    this.code = code;
    this.pfn = typeof pfn === 'number' ? pfn : undefined;
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

/** `%TypedArray%.prototype[Symbol.toStringTag]`: reads an internal slot, never a trap or a getter. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)!.get!;

/**
 * A short rendering of any value for an error message. It never throws and runs no code of the
 * value's: no getter, no `toString`, no Proxy trap (a Proxy passes for the object it wraps). So an
 * object is named by what can be learnt without asking it — an array, a typed array, or "an object".
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
    case 'bigint':
      return `${value}n`;
    case 'symbol': {
      const d = value.description;
      return d === undefined ? 'a Symbol' : `Symbol(${JSON.stringify(d.length > 40 ? d.slice(0, 40) + '…' : d)})`;
    }
    case 'undefined':
    case 'boolean':
      return String(value);
    case 'function':
      return 'a function';
    default:
      return describeObject(value as object);
  }
}

function describeObject(value: object): string {
  let array: boolean;
  try {
    array = Array.isArray(value); // no trap; throws only for a revoked Proxy
  } catch {
    return 'a revoked Proxy';
  }
  if (array) return 'an array';
  const tag = typedArrayTag.call(value);
  return typeof tag === 'string' ? `a ${tag}` : 'an object';
}

/**
 * The fields of an options type `T` as a list for {@link readOptions}, checked complete by the
 * compiler: a field added to `T` but not to the list fails to compile, naming the field.
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { readonly missingOptionKeys: Exclude<keyof T, K[number]> }),
  ): K => keys;
}

/**
 * Reads an options argument that may arrive from plain JavaScript: each of `keys` once, into a
 * plain object the caller validates and uses — so a getter runs at most once per field (it cannot
 * pass validation and then answer differently), and a getter or Proxy trap that throws becomes
 * `INVALID_ARGUMENT` naming the field instead of escaping as its own error. Fields are read as
 * properties (inherited ones count, as with a direct read). Anything but a non-array object is
 * `INVALID_ARGUMENT`; with `strict`, so is an own enumerable key not in `keys` (a typo).
 */
export function readOptions<K extends string>(
  fn: string,
  what: string,
  value: unknown,
  keys: readonly K[],
  strict = false,
): { [P in K]?: unknown } {
  let array: boolean;
  try {
    array = Array.isArray(value);
  } catch {
    invalidArgument(fn, `${what} must be an object`, value); // a revoked Proxy
  }
  if (typeof value !== 'object' || value === null || array) invalidArgument(fn, `${what} must be an object`, value);
  const src = value as Record<string, unknown>;
  const out: { [P in K]?: unknown } = {};
  let field = '';
  try {
    if (strict) {
      for (const k of Object.keys(src)) {
        if (!(keys as readonly string[]).includes(k)) invalidArgument(fn, `unknown option "${k}" in ${what} (known: ${keys.join(', ')})`, src[k]);
      }
    }
    for (const k of keys) {
      field = k;
      const v = src[k];
      if (v !== undefined) out[k] = v;
    }
  } catch (e) {
    if (isMmError(e)) throw e;
    const where = field === '' ? `listing the fields of ${what}` : `reading ${what}.${field}`;
    throw new MmError('INVALID_ARGUMENT', `${fn}(): ${where} threw (a getter or a Proxy trap): ${describeThrown(e)}`);
  }
  return out;
}

/** `e instanceof MmError`, for a value anyone may have thrown (a Proxy's getPrototypeOf trap cannot escape). */
function isMmError(e: unknown): boolean {
  try {
    return e instanceof MmError;
  } catch {
    return false;
  }
}

/** What a caught exception was, for a message: its own `message` data property, or its description. */
function describeThrown(e: unknown): string {
  try {
    if (e instanceof Error) {
      const d = Object.getOwnPropertyDescriptor(e, 'message');
      if (d !== undefined && typeof d.value === 'string') return JSON.stringify(d.value.slice(0, 80));
    }
  } catch {
    // a thrown Proxy: describe it without asking it
  }
  return describeValue(e);
}
