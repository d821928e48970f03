/**
 * Issue 13 item 10: createMemory refuses zones out of the kernel's order or given twice (a
 * [HighMem, DMA32] node served __GFP_DMA from HighMem), checks its boolean options, and reads its
 * options once (a throwing getter is INVALID_ARGUMENT).
 */
import { describe, expect, it } from 'vitest';
import { createMemory, allocPage, memStats, pageToPfn, freePage, MmError, GFP_KERNEL, GFP_DMA32, GFP_DMA, type ZoneSpec } from '../../src/index.js';
import { quiet } from '../helpers.js';

function refused(options: unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    createMemory(options as never);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MmError);
  expect((err as MmError).code).toBe('INVALID_ARGUMENT');
  expect((err as MmError).message).toMatch(pattern);
}

const z = (name: string, pages = 1024): ZoneSpec => ({ name, pages });

describe('createMemory zones', () => {
  it('are accepted in enum zone_type order: DMA < DMA32 < Normal < HighMem < Movable < Device', () => {
    const mem = createMemory({ zones: [z('DMA'), z('DMA32'), z('Normal'), z('Movable')], ...quiet });
    expect(memStats(mem).zones.map((x) => x.name)).toEqual(['DMA', 'DMA32', 'Normal', 'Movable']);
    const p = allocPage(mem, GFP_DMA)!;
    expect(pageToPfn(p)).toBeLessThan(1024); // from DMA, the lowest zone
    freePage(p);
    const q = allocPage(mem, GFP_DMA32 | GFP_KERNEL)!;
    expect(pageToPfn(q)).toBeLessThan(2048);
    freePage(q);
    createMemory({ zones: [z('Normal'), z('HighMem'), z('Device')], ...quiet });
  });

  it('out of order is INVALID_ARGUMENT, naming the order', () => {
    refused({ zones: [z('HighMem'), z('DMA32')] }, /zones must come in the kernel's order \(DMA < DMA32 < Normal < HighMem < Movable < Device\).*DMA32 comes after HighMem/);
    refused({ zones: [z('Normal'), z('DMA')] }, /DMA comes after Normal/);
    refused({ zones: [z('Movable'), z('HighMem')] }, /HighMem comes after Movable/);
  });

  it('twice is INVALID_ARGUMENT', () => {
    refused({ zones: [z('Normal'), z('Normal')] }, /each at most once: Normal is given twice/);
    refused({ zones: [z('DMA'), z('DMA32'), z('DMA32')] }, /DMA32 is given twice/);
  });

  it('an unknown name is still INVALID_ARGUMENT', () => {
    refused({ zones: [z('Highmem')] }, /each zone needs a name among DMA, DMA32, Normal, HighMem, Movable, Device/);
  });
});

describe('createMemory boolean options', () => {
  it('initOnAlloc and pageOwnerStacks must be booleans', () => {
    for (const bad of [1, 0, 'true', null, {}, [], Symbol('x'), 1n]) {
      refused({ pages: 64, initOnAlloc: bad }, /initOnAlloc must be a boolean/);
      refused({ pages: 64, pageOwnerStacks: bad }, /pageOwnerStacks must be a boolean/);
    }
    expect(createMemory({ pages: 64, initOnAlloc: false, pageOwnerStacks: false, ...quiet }).nrPages).toBe(64);
  });
});

describe('createMemory reads its options once, safely', () => {
  it('a getter that throws is INVALID_ARGUMENT, and nothing is created', () => {
    const opts = {
      pages: 64,
      get debug(): string {
        throw new Error('boom');
      },
    };
    refused(opts, /reading options.debug threw/);
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    refused(proxy, /reading options\.\w+ threw/);
  });

  it('a getter is read once: it cannot answer differently after validation', () => {
    let reads = 0;
    const opts = {
      get pages(): number {
        reads++;
        return reads === 1 ? 64 : -1;
      },
      printk: null,
    };
    expect(createMemory(opts).nrPages).toBe(64);
    expect(reads).toBe(1);
  });
});
