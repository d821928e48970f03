/**
 * `memdesc demo binder`: loads the shipped Binder example (examples/binder/, built to
 * dist/examples), and prints or draws what it measured — one design, or the three side by side.
 *
 * @module
 */
import {
  barChartSvg,
  buddyinfoWithHeader,
  escapeHtml,
  figure,
  figuresTable,
  gridTable,
  htmlPage,
  linePlotSvg,
  memoryMapSvg,
  ORDER_COLORS,
  type MarkerSeries,
  type Series,
} from './report.js';

/** The memory types of the example. */
export type BinderDesignName = 'page' | 'folio' | 'memdesc';

/** The names, in report order. */
export const BINDER_DESIGNS: readonly BinderDesignName[] = ['page', 'folio', 'memdesc'];

/** The workload options the command passes on. */
export interface BinderRunOptions {
  memoryBytes: number;
  processes: number;
  transactions: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/** One timeline sample of the example. */
export interface BinderSample {
  transaction: number;
  freeBlocks: readonly number[];
  freePages: number;
  lruPages: number;
  usedPages: number;
  anonPages: number;
  refcountOps: number;
}

/** What one run of the example reports (examples/binder/simulation.ts, `BinderDemoResult`). */
export interface BinderResult {
  design: BinderDesignName;
  slotType: string;
  upstream: string;
  machineBytes: number;
  processes: number;
  seed: number;
  transactions: number;
  failedTransactions: number;
  failedNoSpace: number;
  failedNoMemory: number;
  bytesSent: number;
  lruReuses: number;
  pagesAllocated: number;
  shrinkerFreed: number;
  shrinkerSkipped: number;
  shrinkerSkips: Record<string, number>;
  shrinkerPasses: number;
  refcountOps: { gets: number; puts: number };
  folioLocks: number;
  metadataPerPage: {
    memdesc: string;
    u0: string;
    u1: string;
    bytesUsed: number;
    refcount: boolean;
    mapcount: boolean;
    memmapBytes: number;
    observedRefcount: number | null;
    observedMapcount: number | null;
  };
  nsPerTransaction: number;
  wallNsPerTransaction: number;
  cpuNsPerTransaction: number | null;
  freedAtTeardown: number;
  directReclaims: number;
  kswapdRuns: number;
  buddyinfoAtBoot: string;
  buddyinfo: string;
  buddyinfoAfterTeardown: string;
  backToBoot: boolean;
  memoryMap: Uint8Array;
  timeline: readonly BinderSample[];
  events: readonly { transaction: number; kind: 'direct reclaim' | 'kswapd' | 'shrinker pass' }[];
  watermarks: { min: number; low: number; high: number };
}

/** The shape of the shipped example module. */
export interface BinderModule {
  runBinderDemo(options: BinderRunOptions & { design: BinderDesignName }): BinderResult;
  runBinderDesigns(options: Omit<BinderRunOptions, 'onProgress'> & { repeat: number; onProgress?: (done: number, total: number) => void }): Record<BinderDesignName, BinderResult>;
  KIND_NAMES: readonly string[];
}

/** Imports the built example (dist/examples/binder/simulation.js). */
export async function loadBinder(): Promise<BinderModule> {
  return (await import(new URL('../examples/binder/simulation.js', import.meta.url).href)) as BinderModule;
}

const MAP_COLORS = ['#e8e8e8', '#d62728', '#ff9896', '#1f77b4', '#7f7f7f'];
const DESIGN_COLORS: Record<BinderDesignName, string> = { page: '#4c72b0', folio: '#dd8452', memdesc: '#55a868' };
const EVENT_COLORS = { 'direct reclaim': '#c00000', kswapd: '#6a3d9a', 'shrinker pass': '#e08a00' } as const;

/** What goes into `--json`: everything but the per-pfn map and the sampled timeline. */
export function binderJson(r: BinderResult): object {
  const { memoryMap, timeline, events, ...rest } = r;
  void memoryMap;
  const eventCounts = { directReclaim: 0, kswapd: 0, shrinkerPass: 0 };
  for (const e of events) eventCounts[e.kind === 'direct reclaim' ? 'directReclaim' : e.kind === 'kswapd' ? 'kswapd' : 'shrinkerPass']++;
  return { ...rest, timelineSamples: timeline.length, eventCounts };
}

function markers(r: BinderResult): MarkerSeries[] {
  return (['direct reclaim', 'kswapd', 'shrinker pass'] as const).map((kind) => ({
    name: kind === 'kswapd' ? 'kswapd run' : kind,
    color: EVENT_COLORS[kind],
    xs: r.events.filter((e) => e.kind === kind).map((e) => e.transaction),
    rule: kind === 'direct reclaim',
  }));
}

const series = (r: BinderResult, name: string, color: string, y: (s: BinderSample) => number): Series => ({
  name,
  color,
  points: r.timeline.map((s) => [s.transaction, y(s)] as const),
});

const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;
const skipsText = (r: BinderResult) =>
  `${r.shrinkerSkipped} (mmap lock ${r.shrinkerSkips['mmapLock'] ?? 0}, range mm_lock ${r.shrinkerSkips['mmLock'] ?? 0}, ` +
  `range spinlock ${r.shrinkerSkips['rangeLock'] ?? 0}, exiting ${r.shrinkerSkips['mmExiting'] ?? 0}, other holder ${r.shrinkerSkips['pinned'] ?? 0})`;
const refText = (r: BinderResult) => `${r.refcountOps.gets} gets, ${r.refcountOps.puts} puts`;
const metaText = (r: BinderResult) =>
  `${r.metadataPerPage.bytesUsed} of ${r.metadataPerPage.memmapBytes} bytes (${r.metadataPerPage.memdesc}; ` +
  `refcount ${r.metadataPerPage.observedRefcount ?? 'none'}, mapcount ${r.metadataPerPage.observedMapcount ?? 'none'} on a Used page)`;

function legendOf(kindNames: readonly string[]) {
  return kindNames.map((name, code) => ({ code, name, color: MAP_COLORS[code] ?? '#999' }));
}

/** How many order-10-aligned blocks (4 MiB) hold at least one Binder page at the end of the run. */
function blocksWithBinder(r: BinderResult): number {
  const blocks = new Set<number>();
  r.memoryMap.forEach((code, pfn) => {
    if (code === 1 || code === 2) blocks.add(pfn >> 10);
  });
  return blocks.size;
}

/** The `--html` report of one design. */
export function binderHtml(r: BinderResult, kindNames: readonly string[]): string {
  const marks = markers(r);
  const pages = r.machineBytes / 4096;
  const binderAt = (k: number) => r.memoryMap.reduce((n, c) => n + (c === k ? 1 : 0), 0);
  const orders = ORDER_COLORS.map((color, o) => series(r, `order ${o} (${4 << o} KiB)`, color, (s) => s.freeBlocks[o] ?? 0));
  const wm = r.watermarks;
  return htmlPage(`memdesc: Binder page ranges under memory pressure (${r.design} design)`, [
    {
      heading: 'Summary',
      body: figuresTable([
        ['design (what a slot holds)', `${r.design}: ${r.slotType}`],
        ['upstream', r.upstream],
        ['machine', `${mib(r.machineBytes)} (${pages} pages)`],
        ['processes', r.processes],
        ['seed', r.seed],
        ['transactions', r.transactions],
        ['failed (ENOSPC / ENOMEM)', `${r.failedNoSpace} / ${r.failedNoMemory}`],
        ['bytes sent', r.bytesSent],
        ['pages reused from the LRU (fast path)', r.lruReuses],
        ['pages allocated (slow path)', r.pagesAllocated],
        ['pages freed by the Binder shrinker', r.shrinkerFreed],
        ['pages skipped by the shrinker', skipsText(r)],
        ['Binder shrinker passes', r.shrinkerPasses],
        ['direct reclaims', r.directReclaims],
        ['kswapd runs', r.kswapdRuns],
        ['refcount operations on Binder pages', refText(r)],
        ['metadata per page', metaText(r)],
        ['time per transaction: Binder path, whole loop (wall clock); whole loop (CPU)', `${r.nsPerTransaction} ns, ${r.wallNsPerTransaction} ns; ${r.cpuNsPerTransaction ?? 'n/a'} ns`],
        ['back to boot state after teardown', r.backToBoot ? 'yes' : 'NO'],
      ]),
    },
    {
      heading: 'Memory map at the end of the run',
      body: figure(
        memoryMapSvg(r.memoryMap, legendOf(kindNames), 128, 6, { pfnAxis: true }),
        `Every page frame of the ${mib(r.machineBytes)} machine at the end of the run, 128 per row: the row's first pfn is on the left, ` +
          `the column's offset on top. Binder holds ${binderAt(1)} Used pages (red) and ${binderAt(2)} Available ones (pink, on the shrinker's LRU), ` +
          `scattered among the processes' anonymous folios (blue) wherever the allocator had a free page when the slow path asked.`,
      ),
    },
    {
      heading: 'Memory over time',
      body:
        figure(
          linePlotSvg('where the pages are', [series(r, 'anonymous folios', '#1f77b4', (s) => s.anonPages), series(r, 'free pages', '#2ca02c', (s) => s.freePages)], 'transaction', 'pages', 760, 300, { markers: marks }),
          `Anonymous memory swells and shrinks three times, up to nearly the whole machine; free pages fall to the watermarks each time. ` +
            `The ticks above the plot mark direct reclaims (red, also as faint lines), kswapd runs (purple) and Binder shrinker passes (orange).`,
        ) +
        figure(
          linePlotSvg('free pages against the watermarks', [series(r, 'free pages (buddy+pcp)', '#2ca02c', (s) => s.freePages)], 'transaction', 'free pages', 760, 300, {
            markers: marks,
            yScale: 'log',
            yMin: Math.max(10, Math.floor(wm.min / 4)),
            refLines: [
              { y: wm.high, label: `high ${wm.high}`, color: '#2c7fb8' },
              { y: wm.low, label: `low ${wm.low}`, color: '#e08a00' },
              { y: wm.min, label: `min ${wm.min}`, color: '#c00000' },
            ],
          }),
          `The same free pages on a log scale, with the zone's watermarks: an allocation that finds free memory below the low watermark wakes kswapd, ` +
            `which reclaims up to the high one; one that falls under the min watermark enters direct reclaim. Each reclaim asks the Binder shrinker for its Available pages.`,
        ),
    },
    {
      heading: "Binder's pages over time",
      body: figure(
        linePlotSvg("Binder's pages", [series(r, 'Used (in a live buffer)', '#d62728', (s) => s.usedPages), series(r, 'Available (on the LRU)', '#ff9896', (s) => s.lruPages)], 'transaction', 'pages', 760, 300, { markers: marks }),
        `Binder's pages on an axis of their own: Used pages hold a transaction not yet read; Available ones wait on the LRU, ` +
          `where a new transaction takes them back without allocating (${r.lruReuses} times) — until a shrinker pass under pressure frees them (${r.shrinkerFreed} pages), ` +
          `and the Available count drops.`,
      ),
    },
    {
      heading: 'Free blocks per order over time',
      body: figure(
        linePlotSvg('free blocks per order (/proc/buddyinfo)', orders, 'transaction', 'free blocks', 760, 340, { markers: marks, yScale: 'log', yMin: 0.5 }),
        'How many free blocks of each order the buddy allocator has, on a log scale (zero sits on the axis): at boot eight order-10 blocks; ' +
          'under pressure the large blocks are split and the small orders come and go; when the anonymous memory is unmapped they merge back, ' +
          `as far as Binder's pages let them: at the end of this run ${blocksWithBinder(r)} of the ${Math.ceil(pages / 1024)} 4 MiB blocks hold a Binder page ` +
          '(Used, or Available on the LRU), and a block with one in it cannot merge back to order 10 until the page is reused elsewhere or the shrinker frees it.',
      ),
    },
    {
      heading: '/proc/buddyinfo at boot, at the end, and after teardown',
      body: figure(
        buddyinfoWithHeader([
          { label: 'boot', text: r.buddyinfoAtBoot },
          { label: 'end of run', text: r.buddyinfo },
          { label: 'after teardown', text: r.buddyinfoAfterTeardown },
        ]),
        `Free blocks per order, in the kernel's format, under a header naming each column's order and block size. ` +
          (r.backToBoot
            ? 'After every process exited and the per-CPU lists were drained, the machine is exactly as it booted: everything free and merged.'
            : 'After teardown the machine is NOT as it booted.'),
      ),
    },
  ]);
}

/** The `--design all --html` report: the three designs, side by side. */
export function binderDesignsHtml(rs: Record<BinderDesignName, BinderResult>, kindNames: readonly string[]): string {
  const all = BINDER_DESIGNS.map((n) => rs[n]);
  const first = all[0]!;
  const row = (label: string, f: (r: BinderResult) => string | number): (string | number)[] => [label, ...all.map(f)];
  const same = all.every((r) => r.lruReuses === first.lruReuses && r.shrinkerFreed === first.shrinkerFreed && r.pagesAllocated === first.pagesAllocated);
  const side = (f: (r: BinderResult) => string) =>
    `<div class="side">${all.map((r) => `<div><h3 style="color:${DESIGN_COLORS[r.design]}">${escapeHtml(r.design)}: ${escapeHtml(r.slotType)}</h3>${f(r)}</div>`).join('')}</div>`;
  return htmlPage(
    'memdesc: Binder page ranges on pages, on folios, on their own memdesc',
    [
      {
        heading: 'The three designs on one workload',
        body: figure(
          gridTable(['', ...BINDER_DESIGNS], [
            row('a slot holds', (r) => r.slotType),
            row('upstream', (r) => r.upstream),
            row('transactions', (r) => r.transactions),
            row('pages reused from the LRU (fast path)', (r) => r.lruReuses),
            row('pages allocated (slow path)', (r) => r.pagesAllocated),
            row('pages freed by the shrinker', (r) => r.shrinkerFreed),
            row('pages skipped by the shrinker', (r) => r.shrinkerSkipped),
            row('pages freed at teardown', (r) => r.freedAtTeardown),
            row('refcount gets / puts', (r) => `${r.refcountOps.gets} / ${r.refcountOps.puts}`),
            row('folio locks taken to copy in', (r) => r.folioLocks),
            row('memmap bytes carrying state, per page', (r) => `${r.metadataPerPage.bytesUsed} of ${r.metadataPerPage.memmapBytes}`),
            row('refcount / mapcount of a Used page', (r) => `${r.metadataPerPage.observedRefcount ?? 'none'} / ${r.metadataPerPage.observedMapcount ?? 'none'}`),
            row('ns per transaction, Binder path (wall clock)', (r) => r.nsPerTransaction),
            row('ns per transaction, whole loop (wall clock)', (r) => r.wallNsPerTransaction),
            row('ns per transaction, whole loop (CPU time)', (r) => r.cpuNsPerTransaction ?? 'n/a'),
            row('back to boot after teardown', (r) => (r.backToBoot ? 'yes' : 'NO')),
          ]),
          `${first.processes} processes on a ${mib(first.machineBytes)} machine, seed ${first.seed}, ${first.transactions} transactions, the same in each design. ` +
            (same
              ? 'The allocator sees the same allocations and frees in all three: only the refcount traffic, the locking, the per-page state and the types differ.'
              : 'The designs did not see the same allocations.'),
        ),
      },
      {
        heading: 'Memory maps at the end of the run',
        body: figure(
          side((r) => memoryMapSvg(r.memoryMap, legendOf(kindNames), 64, 4, { pfnAxis: true, legendPerRow: 1 })),
          'Every page frame at the end of each run, 64 per row, the row\'s first pfn on the left. The three maps are the same: ' +
            'a bare page, an order-0 folio and a binder_page all come from the same buddy allocator at the same moments.',
        ),
      },
      {
        heading: "Binder's pages over time",
        body: figure(
          side((r) =>
            linePlotSvg(
              'Used and Available pages',
              [series(r, 'Used', '#d62728', (s) => s.usedPages), series(r, 'Available (LRU)', '#ff9896', (s) => s.lruPages)],
              'transaction',
              'pages',
              350,
              240,
              { markers: markers(r), legendBelow: true },
            ),
          ),
          'Used and Available Binder pages in each design, with direct reclaims (red), kswapd runs (purple) and shrinker passes (orange) above each plot: ' +
            'the LRU fast path and the shrinker behave identically whatever a slot holds.',
        ),
      },
      {
        heading: "Reference-count operations on Binder's pages",
        body: figure(
          linePlotSvg(
            'gets + puts so far',
            all.map((r) => series(r, r.design, DESIGN_COLORS[r.design], (s) => s.refcountOps)),
            'transaction',
            'operations',
            760,
            280,
          ),
          `Only the folio design counts: one get when the page is mapped (vm_insert_page), one put when it is unmapped and one when the slot lets go — ` +
            `${rs.folio.refcountOps.gets} gets and ${rs.folio.refcountOps.puts} puts for ${rs.folio.pagesAllocated} pages. The LRU fast path touches no count in any design. The page and memdesc lines lie on zero.`,
        ),
      },
      {
        heading: 'Time per transaction',
        body: figure(
          barChartSvg('Binder path, ns per transaction (wall clock)', all.map((r) => ({ name: r.design, value: r.nsPerTransaction, color: DESIGN_COLORS[r.design] })), 'ns') +
            barChartSvg('whole loop, ns of CPU time per transaction', all.map((r) => ({ name: r.design, value: r.cpuNsPerTransaction ?? 0, color: DESIGN_COLORS[r.design] })), 'ns'),
          `Time in Binder's own path (sending, the slow path's allocation with any reclaim it triggers, reading, freeing), and the process's CPU time over the ` +
            `whole loop (Binder and the anonymous-memory churn, which is the same in every design), per transaction: the median of the measured rounds, after a warm-up run of each design. ` +
            `Differences of a few tens of percent are within the noise of a shared machine: run with --repeat 5 and compare within one report.`,
        ),
      },
      {
        heading: '/proc/buddyinfo at the end, and after teardown',
        body: figure(
          buddyinfoWithHeader(all.flatMap((r) => [
            { label: `${r.design}, end`, text: r.buddyinfo },
            { label: `${r.design}, teardown`, text: r.buddyinfoAfterTeardown },
          ])),
          'Free blocks per order in each design at the end of the run and after every process exited: identical across designs, and back to the boot state in each.',
        ),
      },
    ],
    1200,
  );
}

/** The text summary of one design (the default output, unchanged for the page design). */
export function printBinderSummary(r: BinderResult): void {
  const line = (k: string, v: string | number) => console.log(`  ${k.padEnd(46)} ${v}`);
  console.log(`memdesc demo binder: ${r.processes} processes on a ${mib(r.machineBytes)} machine, seed ${r.seed}` + (r.design === 'page' ? '' : `, ${r.design} design (${r.slotType})`));
  line('transactions', r.transactions);
  line('failed (ENOSPC / ENOMEM)', `${r.failedNoSpace} / ${r.failedNoMemory}`);
  line('bytes sent', r.bytesSent);
  line('pages reused from the LRU (fast path)', r.lruReuses);
  line('pages allocated (slow path)', r.pagesAllocated);
  line('pages freed by the Binder shrinker', r.shrinkerFreed);
  line('pages skipped by the shrinker (trylock failed)', r.shrinkerSkipped);
  line('direct reclaims / kswapd runs', `${r.directReclaims} / ${r.kswapdRuns}`);
  if (r.design !== 'page') line('refcount gets / puts on Binder pages', `${r.refcountOps.gets} / ${r.refcountOps.puts}`);
  console.log('\n/proc/buddyinfo at the end of the run:');
  process.stdout.write(r.buddyinfo);
  console.log('/proc/buddyinfo after every process exited:');
  process.stdout.write(r.buddyinfoAfterTeardown);
  console.log(r.backToBoot ? 'fully coalesced: identical to boot, no leaks' : 'NOT back to the boot state');
}

/** The text summary of `--design all`: one column per design. */
export function printDesignsSummary(rs: Record<BinderDesignName, BinderResult>): void {
  const all = BINDER_DESIGNS.map((n) => rs[n]);
  const first = all[0]!;
  const w = 18;
  const line = (k: string, f: (r: BinderResult) => string | number) => console.log(`  ${k.padEnd(40)}${all.map((r) => String(f(r)).padStart(w)).join('')}`);
  console.log(`memdesc demo binder --design all: ${first.processes} processes on a ${mib(first.machineBytes)} machine, seed ${first.seed}, the same workload in each design`);
  line('', (r) => r.design);
  line('a slot holds', (r) => r.slotType);
  line('transactions', (r) => r.transactions);
  line('pages reused from the LRU (fast path)', (r) => r.lruReuses);
  line('pages allocated (slow path)', (r) => r.pagesAllocated);
  line('pages freed by the Binder shrinker', (r) => r.shrinkerFreed);
  line('pages skipped by the shrinker', (r) => r.shrinkerSkipped);
  line('pages freed at teardown', (r) => r.freedAtTeardown);
  line('refcount gets / puts', (r) => `${r.refcountOps.gets} / ${r.refcountOps.puts}`);
  line('folio locks taken to copy in', (r) => r.folioLocks);
  line('memmap bytes carrying state per page', (r) => `${r.metadataPerPage.bytesUsed} of ${r.metadataPerPage.memmapBytes}`);
  line('ns per transaction (Binder path, wall)', (r) => r.nsPerTransaction);
  line('ns per transaction (whole loop, CPU)', (r) => r.cpuNsPerTransaction ?? 'n/a');
  line('back to boot after teardown', (r) => (r.backToBoot ? 'yes' : 'NO'));
}
