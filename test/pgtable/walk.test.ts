/**
 * The page-table walk example (examples/pgtable/walk.ts): a 4-level table built, walked through
 * pfnToPage and pagePtdesc from the entries written into its pages, and torn down — imported as a
 * module, and run as the built program a user would run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocPage, createMemory, freePage, pageToPfn, pagetableAlloc, pagetableFree, GFP_KERNEL, __GFP_ZERO } from '../../src/index.js';
import { AddressSpace, entryPfn, mkEntry, readEntry, runPageTableWalk, tableIndex, writeEntry } from '../../examples/pgtable/walk.js';

describe('the page-table walk example', () => {
  it('builds 7 tables for 3 mappings, walks each to its data page, and tears down to the boot state', () => {
    const r = runPageTableWalk();
    expect(r.tables).toBe(7); // pgd + (pud, pmd, pte) for 0x7f12_3456_7000/8000 + (pud, pmd, pte) for 0x5555_5555_4000
    expect(r.walks.map((w) => w.byte)).toEqual([0xa0, 0xa1, 0xa2]);
    // The two neighbouring addresses share every table; the third shares only the pgd.
    expect(r.walks[0]!.tablePfns).toEqual(r.walks[1]!.tablePfns);
    expect(r.walks[2]!.tablePfns[0]).toBe(r.walks[0]!.tablePfns[0]);
    expect(new Set([...r.walks[0]!.tablePfns, ...r.walks[2]!.tablePfns.slice(1)]).size).toBe(7);
    expect(r.unmappedStopsAt).toBe('pud');
    expect(r.danglingPte).toBe('USE_AFTER_FREE');
    expect(r.tornDown).toBe(7);
    expect(r.backToBoot).toBe(true);
  });

  it('indexes addresses the way x86-64 does, and round-trips entries', () => {
    const va = 0x7f12_3456_7000;
    expect([0, 1, 2, 3].map((l) => tableIndex(va, l))).toEqual([0xfe, 0x48, 0x1a2, 0x167]);
    expect(entryPfn(mkEntry(0x12345))).toBe(0x12345);
    const mem = createMemory({ pages: 256, printk: null });
    const pt = pagetableAlloc(mem, GFP_KERNEL | __GFP_ZERO, 0)!;
    writeEntry(pt, 511, mkEntry(77));
    expect(entryPfn(readEntry(pt, 511))).toBe(77);
    pagetableFree(pt);
  });

  it('a PMD entry that points at a data page instead of a table is reported, not followed', () => {
    const mem = createMemory({ pages: 256, printk: null });
    const mm = new AddressSpace(mem);
    const page = allocPage(mem, GFP_KERNEL | __GFP_ZERO)!;
    expect(mm.map(0x1000, page)).toBe(true);
    // Corrupt the pgd entry: point it at the data page.
    const good = readEntry(mm.pgd, tableIndex(0x1000, 0));
    writeEntry(mm.pgd, tableIndex(0x1000, 0), mkEntry(pageToPfn(page)));
    expect(() => mm.walk(0x1000)).toThrow(/pgd entry .* does not point at a page table/);
    writeEntry(mm.pgd, tableIndex(0x1000, 0), good); // repaired, so the teardown can run
    mm.unmap(0x1000);
    expect(mm.teardown()).toBe(4);
    freePage(page);
  });

  it('teardown refuses while a page is still mapped', () => {
    const mem = createMemory({ pages: 256, printk: null });
    const mm = new AddressSpace(mem);
    const page = allocPage(mem, GFP_KERNEL | __GFP_ZERO)!;
    mm.map(0x2000, page);
    expect(() => mm.teardown()).toThrow(/still mapped/);
    mm.unmap(0x2000);
    expect(mm.teardown()).toBe(4);
    freePage(page);
  });

  it('runs as a program from dist/ (npm test builds first)', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../dist/examples/pgtable/walk.js')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('built 7 page-table pages for 3 mappings');
    expect(r.stdout).toContain('a PTE left pointing at a freed page: USE_AFTER_FREE');
    expect(r.stdout).toContain('teardown walked and freed 7 tables; back to the boot state: yes');
  });
});
