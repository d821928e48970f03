import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  readRaw,
  writeRaw,
  fillZeroRaw,
  withPageMapped,
  memStats,
  GFP_KERNEL,
  PAGE_SIZE,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('readRaw / writeRaw / fillZeroRaw', () => {
  it('round-trips bytes, including across the pages of a block', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPages(mem, GFP_KERNEL, 1)!;
    const src = Uint8Array.from({ length: 100 }, (_, i) => i + 1);
    writeRaw(p, src, PAGE_SIZE - 50); // straddles the two pages
    const dst = new Uint8Array(100);
    readRaw(p, dst, PAGE_SIZE - 50);
    expect(dst).toEqual(src);
    expect(memStats(mem).backedPages).toBe(2);
    fillZeroRaw(p, PAGE_SIZE - 50, 100);
    readRaw(p, dst, PAGE_SIZE - 50);
    expect(dst.every((b) => b === 0)).toBe(true);
    freePages(p, 1);
  });

  it('materialises nothing for untouched pages or zero writes', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    const dst = new Uint8Array(PAGE_SIZE).fill(9);
    readRaw(p, dst, 0);
    expect(dst.every((b) => b === 0)).toBe(true);
    writeRaw(p, new Uint8Array(64), 0);
    expect(memStats(mem).backedPages).toBe(0);
    writeRaw(p, new Uint8Array([1]), 0);
    expect(memStats(mem).backedPages).toBe(1);
    fillZeroRaw(p, 0, PAGE_SIZE); // a whole page zeroed: its bytes are dropped again
    expect(memStats(mem).backedPages).toBe(0);
    freePage(p);
  });

  it('is bounds-checked: OUT_OF_BOUNDS, nothing written', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(p, new Uint8Array(2), PAGE_SIZE - 1));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(p, new Uint8Array(1), -1));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => readRaw(p, new Uint8Array(1), PAGE_SIZE));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => fillZeroRaw(p, 1, PAGE_SIZE));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => readRaw(p, new Uint8Array(PAGE_SIZE + 1), 0));
    expectMmError(mem, 'INVALID_ARGUMENT', () => writeRaw(p, [1, 2] as Any, 0));
    expectMmError(mem, 'INVALID_ARGUMENT', () => readRaw(p, new Uint8Array(1), 0.5));
    expectMmError(mem, 'INVALID_ARGUMENT', () => readRaw(p, new Uint8Array(1), '0' as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => fillZeroRaw(p, 0, -1));
    freePage(p);
  });
});

describe('withPageMapped (kmap_local_page)', () => {
  it('writes through the view, and the view is dead after the callback', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    let kept: Uint8Array | undefined;
    const r = withPageMapped(p, (view) => {
      expect(view.length).toBe(PAGE_SIZE);
      view[10] = 42;
      kept = view;
      return 'done';
    });
    expect(r).toBe('done');
    expect(kept!.length).toBe(0); // detached: a kept view cannot reach the page
    const b = new Uint8Array(1);
    readRaw(p, b, 10);
    expect(b[0]).toBe(42);
    freePage(p);
  });

  it('refuses to free a mapped page: BAD_PAGE_STATE, and the page stays allocated', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    withPageMapped(p, () => {
      const e = expectMmError(mem, 'BAD_PAGE_STATE', () => freePage(p as Any));
      expect(e.message).toMatch(/^BUG: Bad page state in process memdesc pfn:0x[0-9a-f]+ reason: page still mapped by kmap_local_page/);
    });
    freePage(p); // unmapped now
  });

  it('unmaps when the callback throws', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(() =>
      withPageMapped(p, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    freePage(p);
  });

  it('nests up to KM_MAX_IDX (16) mappings', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    const nest = (depth: number): number => (depth === 0 ? 0 : withPageMapped(p, () => 1 + nest(depth - 1)));
    expect(nest(16)).toBe(16);
    expect(() => nest(17)).toThrow(/KM_MAX_IDX/);
    freePage(p);
  });
});
