/**
 * The ftrace-text parser: every line form it reads, every malformed form it counts, and its
 * sources (path, gzip, bytes, streams).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_KERNEL_ACCOUNT, MmError, __GFP_ZERO } from '../../src/index.js';
import { TraceParser, parseTrace, type TracePageEvent, type TraceRecord } from '../../src/trace/index.js';

const page = (r: TraceRecord | null): TracePageEvent => {
  if (r?.type !== 'page') throw new Error(`not a page event: ${JSON.stringify(r)}`);
  return r;
};

async function collect(source: Parameters<typeof parseTrace>[0]): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const r of parseTrace(source)) out.push(r);
  return out;
}

describe('TraceParser: the lines of a page-allocator trace', () => {
  it('reads Linux 6.1 mm_page_alloc: task, CPU, timestamp, hex pfn, order, migratetype, symbolic gfp', () => {
    const p = new TraceParser();
    const r = page(p.parseLine('            init-1       [001] .....     2.528119: mm_page_alloc: page=000000003126fefc pfn=0x2666 order=1 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO', 7));
    expect(r).toEqual({
      type: 'page',
      op: 'alloc',
      name: 'mm_page_alloc',
      line: 7,
      task: 'init-1',
      cpu: 1,
      ts: 2.528119,
      pfn: 0x2666,
      order: 1,
      gfp: GFP_KERNEL_ACCOUNT | __GFP_ZERO,
      gfpText: 'GFP_KERNEL_ACCOUNT|__GFP_ZERO',
      migratetype: 0,
    });
  });

  it('reads mm_page_free, mm_page_free_batched and mm_page_pcpu_drain, and what each means', () => {
    const p = new TraceParser();
    const free = page(p.parseLine('           mkdir-92      [000] ...1.     2.529971: mm_page_free: page=00000000955e3012 pfn=0x282c order=1'));
    expect([free.op, free.pfn, free.order, free.task, free.cpu, free.ts, free.gfp, free.migratetype]).toEqual(['free', 0x282c, 1, 'mkdir-92', 0, 2.529971, null, -1]);
    const b = page(p.parseLine('           mkdir-92      [000] ...2.     2.534478: mm_page_free_batched: page=00000000eadf2b12 pfn=0x69d0 order=0'));
    expect([b.op, b.name, b.pfn]).toEqual(['batched', 'mm_page_free_batched', 0x69d0]);
    const d = page(p.parseLine('            head-115     [000] d..4.     3.771050: mm_page_pcpu_drain: page=0000000001de3313 pfn=0x1066 order=1 migratetype=0'));
    expect([d.op, d.pfn, d.order, d.migratetype]).toEqual(['drain', 0x1066, 1, 0]);
    expect(p.stats).toEqual({ lines: 3, blank: 0, comments: 0, unparsed: 0 });
  });

  it('reads old kernels: decimal pfns, pointer page=, mm_page_free_direct, mm_pagevec_free, page=(null) failures', () => {
    const p = new TraceParser();
    const a = page(p.parseLine('          <idle>-0     [002] d.s.  1234.567890: mm_page_alloc: page=ffffea0000f1b2c0 pfn=989888 order=0 migratetype=0 gfp_flags=GFP_ATOMIC|GFP_NOTRACK'));
    expect([a.task, a.pfn, a.gfp, a.gfpText]).toEqual(['<idle>-0', 989888, null, 'GFP_ATOMIC|GFP_NOTRACK']); // unknown flag name: bits unknown, text kept
    const f = page(p.parseLine('            bash-1234  [000] ....   100.000001: mm_page_free_direct: page=ffffea0000f1b2c0 pfn=989888 order=0'));
    expect([f.op, f.name, f.pfn]).toEqual(['free', 'mm_page_free_direct', 989888]);
    const v = page(p.parseLine('            bash-1234  [000] ....   100.000002: mm_pagevec_free: page=ffffea0000f1b2c0 pfn=989888 order=0 cold=0'));
    expect([v.op, v.name]).toEqual(['batched', 'mm_pagevec_free']);
    const failed = page(p.parseLine('            bash-1234  [000] ....   100.000003: mm_page_alloc: page=(null) pfn=0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE'));
    expect(failed.pfn).toBe(-1);
    const failed61 = page(p.parseLine('            bash-1234  [000] .....   100.000004: mm_page_alloc: page=0000000000000000 pfn=0xffffffffffffffff order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE'));
    expect(failed61.pfn).toBe(-1);
  });

  it('reads page=(____ptrval____), an nr_free= field, numeric and none gfp flags', () => {
    const p = new TraceParser();
    const a = page(p.parseLine('  swapper/0-1  [000] .....  0.100000: mm_page_alloc: page=(____ptrval____) pfn=0x1000 order=0 migratetype=0 gfp_flags=0xcc0'));
    expect([a.pfn, a.gfp, a.gfpText]).toEqual([0x1000, GFP_KERNEL, '0xcc0']);
    const n = page(p.parseLine('  swapper/0-1  [000] .....  0.100001: mm_page_free: page=(____ptrval____) pfn=0x1000 order=0 nr_free=42'));
    expect([n.op, n.pfn, n.order]).toEqual(['free', 0x1000, 0]);
    const d = page(p.parseLine('  kswapd0-55   [001] d..3.  0.100002: mm_page_pcpu_drain: page=(____ptrval____) pfn=0x1001 order=0 migratetype=1 nr_free=7'));
    expect([d.pfn, d.migratetype]).toEqual([0x1001, 1]);
    const z = page(p.parseLine('  kswapd0-55   [001] .....  0.100003: mm_page_alloc: page=(____ptrval____) pfn=0x1002 order=0 migratetype=0 gfp_flags=none'));
    expect(z.gfp).toBe(0);
  });

  it('tolerates mm_page_alloc_zone_locked and mm_page_alloc_extfrag: counted, not ownership changes', () => {
    const p = new TraceParser();
    const z = page(p.parseLine('  sort-143 [000] d..3.  4.000000: mm_page_alloc_zone_locked: page=(____ptrval____) pfn=0x3000 order=0 migratetype=1 percpu_refill=1'));
    expect([z.op, z.pfn]).toEqual(['internal', 0x3000]);
    const x = page(p.parseLine('  sort-143 [000] d..3.  4.000001: mm_page_alloc_extfrag: page=(____ptrval____) pfn=0x3200 alloc_order=0 fallback_order=9 alloc_migratetype=1 fallback_migratetype=0 fragmenting=0 change_ownership=1'));
    expect([x.op, x.name, x.order]).toEqual(['internal', 'mm_page_alloc_extfrag', 0]);
  });

  it('reads the other layouts: tgid column, trace-cmd report, perf script, function_graph comments', () => {
    const p = new TraceParser();
    const tgid = page(p.parseLine('            init-1       (      1) [001] .....     2.528119: mm_page_free: page=(____ptrval____) pfn=0x10 order=0'));
    expect([tgid.task, tgid.cpu]).toEqual(['init-1', 1]);
    const tc = page(p.parseLine('            init-1     [001]     2.528119: mm_page_alloc:        page=0xffffea0000099980 pfn=0x2666 order=1 migratetype=0 gfp_flags=GFP_KERNEL'));
    expect([tc.task, tc.cpu, tc.ts, tc.pfn, tc.order]).toEqual(['init-1', 1, 2.528119, 0x2666, 1]);
    const perf = page(p.parseLine('            sort   143 [000]     4.680535: kmem:mm_page_free: page=0xffffea0000099980 pfn=0x2666 order=0'));
    expect([perf.task, perf.cpu, perf.name, perf.pfn]).toEqual(['sort-143', 0, 'mm_page_free', 0x2666]);
    const fg = page(p.parseLine(' 1)               |  /* mm_page_alloc: page=(____ptrval____) pfn=0x1234 order=0 migratetype=0 gfp_flags=GFP_KERNEL */'));
    expect([fg.op, fg.cpu, fg.pfn, fg.task, Number.isNaN(fg.ts)]).toEqual(['alloc', 1, 0x1234, '', true]);
    const fgp = page(p.parseLine(' 2.500000 |   0)    sort-143    |               |  /* mm_page_free: page=(____ptrval____) pfn=0x1234 order=0 */'));
    expect([fgp.cpu, fgp.task, fgp.ts]).toEqual([0, 'sort-143', 2.5]);
    const fn = p.parseLine(' 0)   0.123 us    |    kfree();');
    expect(fn?.type).toBe('event');
    expect(p.stats.unparsed).toBe(0);
  });

  it('skips headers, comments and blank lines; reads the entries header and LOST notes; CRLF is one line end', () => {
    const p = new TraceParser();
    expect(p.parseLine('# tracer: nop')).toBeNull();
    expect(p.parseLine('#')).toBeNull();
    expect(p.parseLine('')).toBeNull();
    expect(p.parseLine('   \t ')).toBeNull();
    expect(p.parseLine('#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION')).toBeNull();
    expect(p.parseLine('# entries-in-buffer/entries-written: 72299/72310   #P:2')).toEqual({ type: 'header', line: 6, entriesInBuffer: 72299, entriesWritten: 72310, cpus: 2 });
    expect(p.parseLine('CPU:1 [LOST 123 EVENTS]', 9)).toEqual({ type: 'lost', line: 9, cpu: 1, count: 123 });
    const crlf = page(p.parseLine('  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=0x20 order=0\r'));
    expect([crlf.pfn, crlf.order]).toEqual([0x20, 0]);
    const other = p.parseLine('          <idle>-0       [001] d..2.     5.000000: sched_switch: prev_comm=swapper/1 prev_pid=0');
    expect(other).toMatchObject({ type: 'event', name: 'sched_switch', cpu: 1 });
    expect(p.stats).toMatchObject({ blank: 2, comments: 4, unparsed: 0 });
  });

  it('reads the === markers and the /proc/buddyinfo blocks of the shared layout, even after console noise', () => {
    const p = new TraceParser();
    expect(p.parseLine('Booting from ROM..\u001bc\u001b[?7l\u001b[2J=== buddyinfo-start', 1)).toEqual({ type: 'marker', name: 'buddyinfo-start', line: 1 });
    expect(p.parseLine('Node 0, zone      DMA      0      0      0      0      0      1      1      1      0      1      3 ', 2)).toEqual({
      type: 'buddyinfo',
      which: 'start',
      line: 2,
      node: 0,
      zone: 'DMA',
      nrFree: [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 3],
    });
    expect(p.parseLine("tar: removing leading '/' from member names", 3)).toMatchObject({ type: 'unparsed', line: 3, reason: 'not a /proc/buddyinfo line' });
    expect(p.parseLine('=== buddyinfo-end', 4)).toMatchObject({ type: 'marker', name: 'buddyinfo-end' });
    expect(p.parseLine('Node 0, zone    DMA32     22     58     64     41     21     17     10      8      3      4     85', 5)).toMatchObject({ which: 'end', zone: 'DMA32' });
    expect(p.parseLine('=== trace-begin', 6)).toMatchObject({ type: 'marker', name: 'trace-begin' });
    expect(p.parseLine('=== trace-end', 7)).toMatchObject({ type: 'marker', name: 'trace-end' });
  });

  it('counts every malformed line with its number and a reason, and never throws', () => {
    const p = new TraceParser();
    const bad: [string, string][] = [
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) order=0', 'no pfn= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=zz order=0', 'bad pfn= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=0x order=0', 'bad pfn= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=0xffffffffffffffff order=0', 'bad pfn= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=0x10 order=x', 'bad order= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=0x10 order=99', 'bad order= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pfn=0x10', 'no order= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_free: page=(____ptrval____) pf', 'no pfn= field'],
      ['  cat-1 [000] .....  1.000000: mm_page_alloc: page=(____ptrval____) pfn=0x11 order=1 migratetype=0 gfp_flags=GFP_KERNEL', 'pfn not aligned to order 1'],
      ['  cat-1 [000] .....  1.000000: mm_page_al', 'not an ftrace event line'],
      ['\u0000\u0001\u0002\ufffd\ufffd binary junk \u00ff', 'not an ftrace event line'],
      ['hello world', 'not an ftrace event line'],
      ['  cat-1 [0x0] .....  1.000000 mm_page_free pfn=0x10 order=0', 'not an ftrace event line'],
    ];
    bad.forEach(([line, reason], i) => {
      const r = p.parseLine(line, 100 + i);
      expect(r, line).toMatchObject({ type: 'unparsed', line: 100 + i, reason });
    });
    expect(p.stats.unparsed).toBe(bad.length);
    // A very long line is cut in the record, not refused.
    const long = p.parseLine('x'.repeat(10_000), 1);
    expect(long?.type === 'unparsed' && long.text.length).toBe(201);
  });
});

describe('parseTrace: sources', () => {
  const text = [
    '# tracer: nop',
    '  cat-1 [000] .....  1.000000: mm_page_alloc: page=(____ptrval____) pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL',
    'garbage',
    '  cat-1 [000] .....  1.000100: mm_page_free: page=(____ptrval____) pfn=0x100 order=0',
  ].join('\n');

  it('reads a stream, bytes, gzip bytes, a plain file and a .gz file the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memdesc-trace-'));
    writeFileSync(join(dir, 't.txt'), text);
    writeFileSync(join(dir, 't.txt.gz'), gzipSync(text));
    writeFileSync(join(dir, 'gz-without-suffix'), gzipSync(text));
    const expected = await collect(Readable.from([text]));
    expect(expected.map((r) => r.type)).toEqual(['page', 'unparsed', 'page']);
    expect(expected.map((r) => r.line)).toEqual([2, 3, 4]);
    for (const src of [Buffer.from(text), gzipSync(text), join(dir, 't.txt'), join(dir, 't.txt.gz'), join(dir, 'gz-without-suffix'), Readable.from([Buffer.from(gzipSync(text))])]) {
      expect(await collect(src)).toEqual(expected);
    }
  });

  it('reads CRLF text as the same lines', async () => {
    const crlf = await collect(Readable.from([text.replace(/\n/g, '\r\n')]));
    expect(crlf).toEqual(await collect(Readable.from([text])));
  });

  it('a line split across chunks is one line', async () => {
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    expect(await collect(Readable.from(chunks))).toEqual(await collect(Readable.from([text])));
  });

  it('refuses bad sources with MmError INVALID_ARGUMENT', async () => {
    for (const bad of [42, null, {}, '', undefined]) {
      expect(() => parseTrace(bad as never), String(bad)).toThrow(MmError);
    }
    const err = async (src: Parameters<typeof parseTrace>[0]) => {
      try {
        await collect(src);
      } catch (e) {
        return e;
      }
      return null;
    };
    const missing = await err('/nonexistent/trace.txt');
    expect(missing).toBeInstanceOf(MmError);
    expect((missing as MmError).code).toBe('INVALID_ARGUMENT');
    expect((missing as MmError).message).toContain('no such file');
    const dir = (await err(tmpdir())) as MmError;
    expect([dir.code, dir.message.includes('is a directory')]).toEqual(['INVALID_ARGUMENT', true]);
    const gz = Buffer.from(gzipSync(text.repeat(50)));
    gz[gz.length >> 1]! ^= 0xff;
    gz[(gz.length >> 1) + 1]! ^= 0xff;
    const corrupt = (await err(gz)) as MmError;
    expect([corrupt.code, /gzip/.test(corrupt.message)]).toEqual(['INVALID_ARGUMENT', true]);
    const truncated = (await err(gzipSync(text).subarray(0, 20))) as MmError;
    expect(truncated.code).toBe('INVALID_ARGUMENT');
  });
});
