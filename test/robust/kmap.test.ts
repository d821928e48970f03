/**
 * Issue 13, items 2, 9 and 11 — a kmap is a view of the page, not a copy: writes made while it is
 * mapped (by writeRaw, fillZeroRaw, a nested mapping, another object of the same slab page) are
 * kept; a detached view or a discarded write is a clear MmError that never replaces the
 * callback's own exception, and the callback's result does not leak.
 */
import { describe, expect, it } from 'vitest';
import {
  allocPage,
  createMemory,
  fillZeroRaw,
  folioAlloc,
  folioLock,
  folioPage,
  folioPut,
  folioUnlock,
  freePage,
  kfree,
  kmalloc,
  liveAllocations,
  memStats,
  MmError,
  readRaw,
  virtToPage,
  withPageMapped,
  writeRaw,
  verifyMemory,
  GFP_KERNEL,
  PAGE_SIZE,
} from '../../src/index.js';
import { quiet, snapshot } from '../helpers.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function byteAt(target: Any, offset: number): number {
  const b = new Uint8Array(1);
  readRaw(target, b, offset);
  return b[0]!;
}

describe('withPageMapped: the view aliases the page', () => {
  it('keeps a writeRaw made while the page is mapped', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    writeRaw(p, Uint8Array.of(1), 9); // the page has contents before the mapping
    withPageMapped(p, (view) => {
      writeRaw(p, Uint8Array.of(42), 10);
      expect(view[10]).toBe(42); // the view sees it at once
      view[11] = 43;
      expect(byteAt(p, 11)).toBe(43); // and readRaw sees the view's write
    });
    expect([byteAt(p, 9), byteAt(p, 10), byteAt(p, 11)]).toEqual([1, 42, 43]);
    freePage(p);
  });

  it('keeps a writeRaw to a page that had no contents yet, and a mapping that wrote nothing stores nothing', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    withPageMapped(p, () => writeRaw(p, Uint8Array.of(42), 10));
    expect(byteAt(p, 10)).toBe(42);
    const q = allocPage(mem, GFP_KERNEL)!;
    const backed = memStats(mem).backedPages;
    withPageMapped(q, (view) => view[0]); // read only
    expect(memStats(mem).backedPages).toBe(backed); // lazily-materialised contents stay lazy
    freePage(p);
    freePage(q);
  });

  it('keeps a fillZeroRaw made while the page is mapped (whole page or part)', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    writeRaw(p, new Uint8Array(PAGE_SIZE).fill(7), 0);
    withPageMapped(p, (view) => {
      fillZeroRaw(p, 100, 10);
      expect(view[100]).toBe(0);
      fillZeroRaw(p, 0, PAGE_SIZE);
      expect(view[0]).toBe(0);
      view[5] = 5; // the view still reaches the page after a whole-page clear
    });
    expect([byteAt(p, 0), byteAt(p, 5), byteAt(p, 100), byteAt(p, 4095)]).toEqual([0, 5, 0, 0]);
    freePage(p);
  });

  it('keeps the writes of a nested mapping of the same page, and the outer view stays usable', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    withPageMapped(p, (outer) => {
      outer[1] = 1;
      withPageMapped(p, (inner) => {
        expect(inner[1]).toBe(1);
        inner[2] = 2;
      });
      expect(outer[2]).toBe(2);
      outer[3] = 3;
    });
    expect([byteAt(p, 1), byteAt(p, 2), byteAt(p, 3)]).toEqual([1, 2, 3]);
    freePage(p);
  });

  it('keeps a write to another kmalloc object on the same slab page', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const a = kmalloc(mem, 64, GFP_KERNEL)!;
    const b = kmalloc(mem, 64, GFP_KERNEL)!;
    writeRaw(a, Uint8Array.of(1), 0); // the slab page has contents before the mapping
    withPageMapped(virtToPage(a), () => {
      writeRaw(b, Uint8Array.of(9, 8, 7), 0);
    });
    const out = new Uint8Array(3);
    readRaw(b, out, 0);
    expect(Array.from(out)).toEqual([9, 8, 7]);
    kfree(a);
    kfree(b);
  });

  it('the view is dead after the callback, even a nested one kept past its outer mapping', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    let inner: Uint8Array | undefined;
    let outer: Uint8Array | undefined;
    withPageMapped(p, (o) => {
      outer = o;
      withPageMapped(p, (i) => {
        inner = i;
        i[0] = 1;
      });
    });
    expect(outer!.length).toBe(0);
    expect(inner!.length).toBe(0);
    inner![0] = 99; // writes to a dead view reach nothing
    expect(byteAt(p, 0)).toBe(1);
    freePage(p);
  });
});

describe('withPageMapped: misuse of the view', () => {
  it('a view whose buffer the callback detaches: INVALID_ARGUMENT (not a TypeError), the page as before, unmapped', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    writeRaw(p, Uint8Array.of(5, 6), 0);
    const before = snapshot(mem);
    let caught: unknown;
    try {
      withPageMapped(p, (view) => {
        structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
        writeRaw(p, Uint8Array.of(1), 4000); // the page is still usable meanwhile
        expect(byteAt(p, 0)).toBe(5);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MmError);
    expect((caught as MmError).code).toBe('INVALID_ARGUMENT');
    expect((caught as MmError).message).toContain('detached');
    expect([byteAt(p, 0), byteAt(p, 1)]).toEqual([5, 6]);
    void before;
    freePage(p); // not mapped any more
    verifyMemory(mem);
  });

  it('a write through the view of an unlocked folio: the callback\'s own exception wins, the write is discarded', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    let caught: unknown;
    try {
      withPageMapped(folioPage(f, 0), (view) => {
        view[0] = 1;
        throw new Error('callback failed');
      });
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toBe('callback failed');
    expect(byteAt(f, 0)).toBe(0);
    folioPut(f);
  });

  it('a write through the view of an unlocked folio: BAD_PAGE_STATE, and a page the callback allocated and returned does not leak', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const live = liveAllocations(mem).length;
    let caught: unknown;
    try {
      withPageMapped(folioPage(f, 0), (view) => {
        view[0] = 1;
        return allocPage(mem, GFP_KERNEL);
      });
    } catch (e) {
      caught = e;
    }
    expect((caught as MmError).code).toBe('BAD_PAGE_STATE');
    expect(byteAt(f, 0)).toBe(0);
    expect(liveAllocations(mem).length).toBe(live);
    folioPut(f);
    verifyMemory(mem);
  });

  it('a folio page mapped under the folio lock is writable, also through the lock guard while mapped', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const locked = folioLock(f);
    withPageMapped(folioPage(f, 0), (view) => {
      view[0] = 1;
      writeRaw(locked, Uint8Array.of(2), 1);
      expect(view[1]).toBe(2);
    });
    folioUnlock(locked);
    expect([byteAt(f, 0), byteAt(f, 1)]).toEqual([1, 2]);
    folioPut(f);
  });

  it('an unlocked folio mapped read-only still sees writes made through the lock guard taken inside', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    withPageMapped(folioPage(f, 0), (view) => {
      const locked = folioLock(f);
      writeRaw(locked, Uint8Array.of(3), 2);
      folioUnlock(locked);
      expect(view[2]).toBe(3);
    });
    expect(byteAt(f, 2)).toBe(3); // an allowed write is not mistaken for a write through the view
    folioPut(f);
  });
});

describe('readRaw / writeRaw buffers', () => {
  it('Object.create(a Uint8Array) and a Proxy are INVALID_ARGUMENT, not TypeError; a Buffer works', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    const fake = Object.create(new Uint8Array(4));
    const trap = new Proxy(new Uint8Array(4), {
      get() {
        throw new Error('trap');
      },
    });
    for (const bad of [fake, trap]) {
      for (const call of [() => readRaw(p, bad, 0), () => writeRaw(p, bad, 0)]) {
        let caught: unknown;
        try {
          call();
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(MmError);
        expect((caught as MmError).code).toBe('INVALID_ARGUMENT');
      }
    }
    class Sneaky extends Uint8Array {
      override get length(): number {
        throw new Error('user getter');
      }
    }
    writeRaw(p, Sneaky.from([4, 5]) as Uint8Array, 0);
    const out = Buffer.alloc(2);
    readRaw(p, out, 0);
    expect(Array.from(out)).toEqual([4, 5]);
    freePage(p);
  });
});
