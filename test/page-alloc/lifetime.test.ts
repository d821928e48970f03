/**
 * A dropped machine is reclaimable at once, and its linear-map window reusable (issue 13 item 15).
 *
 * V8 keeps the target of every WeakRef created or deref'd alive until the current job ends; a
 * WeakRef made by createMemory kept every machine of a synchronous loop alive until the loop
 * returned (3,000 default machines: 3.2 GB), and after 66,048 machines the linear-map windows ran
 * out. These tests measure with the collector itself (--expose-gc, set at run time), never with a
 * timing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createMemory, allocPage, freePage, pageOffset, kmalloc, kfree, virtToPage, pageToPfn, vmalloc, vfree, GFP_KERNEL, PAGE_OFFSET, MmError } from '../../src/index.js';
import { impl, quiet } from '../helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
const external = () => process.memoryUsage().arrayBuffers;
const nextJob = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a machine nobody holds is reclaimable at once', () => {
  it('within one synchronous loop: 200 default machines used and dropped do not accumulate', () => {
    gc();
    const before = external();
    let peak = 0;
    for (let i = 0; i < 200; i++) {
      const mem = createMemory(); // 256 MiB: about 2.5 MiB of memmap and page_owner records
      freePage(allocPage(mem, GFP_KERNEL)!);
      if (i % 25 === 24) {
        gc(); // in the same job: nothing created in it may be kept alive for it
        peak = Math.max(peak, external() - before);
      }
    }
    // Were they kept, 200 machines would hold about 500 MiB of typed arrays.
    expect(peak).toBeLessThan(64 * MiB);
  });

  it('a dropped machine is collected, state and all (FinalizationRegistry observes its MemoryImpl)', async () => {
    let collected = 0;
    const registry = new FinalizationRegistry(() => collected++);
    (() => {
      for (let i = 0; i < 20; i++) {
        const mem = createMemory({ pages: 1024, ...quiet });
        const p = allocPage(mem, GFP_KERNEL)!;
        freePage(p);
        registry.register(impl(mem), i);
      }
    })();
    for (let i = 0; i < 20 && collected < 20; i++) {
      await nextJob();
      gc();
    }
    expect(collected).toBe(20);
  });

  it('70,000 machines in one synchronous loop do not run out of linear-map windows', () => {
    // Before: every createMemory took a window (66,048 exist) and kept its machine to the end of
    // the loop, so the 66,049th threw "no linear-map address space left".
    expect(() => {
      for (let i = 0; i < 70_000; i++) freePage(allocPage(createMemory({ pages: 1, minFreeKbytes: 0, ...quiet }), GFP_KERNEL)!);
    }).not.toThrow();
  });
});

describe('linear-map windows', () => {
  it('a machine takes its window when it first hands out an address; the first gets PAGE_OFFSET', () => {
    const a = createMemory({ pages: 64, ...quiet });
    const b = createMemory({ pages: 64, ...quiet });
    // Whichever machine asks first gets the lower window: addresses stay distinct per machine.
    const ob = pageOffset(b);
    const oa = pageOffset(a);
    expect(oa).toBeGreaterThan(ob);
    expect((ob - PAGE_OFFSET) % 2 ** 30).toBe(0);
    const p = allocPage(a, GFP_KERNEL)!;
    expect(pageToPfn(virtToPage((oa + pageToPfn(p) * 4096) as never))).toBe(pageToPfn(p));
    freePage(p);
  });

  it('the windows of machines collected after their job are reused: 70,500 machines that hand out addresses', async () => {
    let made = 0;
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 23_500; i++) {
        const mem = createMemory({ pages: 1, minFreeKbytes: 0, ...quiet });
        if (pageOffset(mem) < PAGE_OFFSET) break; // its linear map: the machine takes a window
        made++;
      }
      await nextJob(); // the job ends: the WeakRefs no longer keep those machines
      gc();
    }
    expect(made).toBe(70_500);
  }, 120_000);

  it('an address of a collected machine is not an address of any machine', async () => {
    const addr = (() => {
      const mem = createMemory({ pages: 16, minFreeKbytes: 0, ...quiet });
      const obj = kmalloc(mem, 64, GFP_KERNEL)!;
      return obj as number;
    })();
    await nextJob();
    gc();
    await nextJob();
    let err: unknown;
    try {
      virtToPage(addr as never);
    } catch (e) {
      err = e;
    }
    // Collected: BAD_ADDRESS (no machine's linear map holds it), never another machine's page.
    expect(err).toBeInstanceOf(MmError);
    expect((err as MmError).code).toBe('BAD_ADDRESS');
  });

  it('a vmalloc area does not keep its machine alive', async () => {
    let collected = 0;
    const registry = new FinalizationRegistry(() => collected++);
    (() => {
      for (let i = 0; i < 10; i++) {
        const mem = createMemory({ pages: 256, ...quiet });
        vmalloc(mem, 8 * 4096); // never freed: the area lives as long as its machine
        const freed = vmalloc(mem, 4096)!;
        vfree(freed);
        registry.register(impl(mem), i);
      }
    })();
    for (let i = 0; i < 20 && collected < 10; i++) {
      await nextJob();
      gc();
    }
    expect(collected).toBe(10);
  });
});
