/**
 * Synthetic kmem traces in the exact layout of Linux 6.1's ftrace `trace` file, for the replay
 * tests. Every method appends one line and returns its (1-based) line number.
 */
export interface LineOpts {
  task?: string;
  cpu?: number;
  /** Seconds; default: 1 ms after the previous event. */
  ts?: number;
}

export class TraceBuilder {
  readonly lines: string[] = [];
  ts = 1;
  task = 'cat-100';
  cpu = 0;

  /** Appends a raw line. */
  raw(line: string): number {
    this.lines.push(line);
    return this.lines.length;
  }

  event(name: string, fields: string, o: LineOpts = {}): number {
    this.ts = o.ts ?? Math.round((this.ts + 0.001) * 1e6) / 1e6;
    const task = (o.task ?? this.task).padStart(16);
    const cpu = String(o.cpu ?? this.cpu).padStart(3, '0');
    return this.raw(`${task} [${cpu}] ..... ${this.ts.toFixed(6).padStart(12)}: ${name}: ${fields}`);
  }

  alloc(pfn: number, order = 0, gfp = 'GFP_KERNEL', o: LineOpts = {}): number {
    return this.event('mm_page_alloc', `page=(____ptrval____) pfn=0x${pfn.toString(16)} order=${order} migratetype=0 gfp_flags=${gfp}`, o);
  }

  free(pfn: number, order = 0, o: LineOpts = {}): number {
    return this.event('mm_page_free', `page=(____ptrval____) pfn=0x${pfn.toString(16)} order=${order}`, o);
  }

  batched(pfn: number, o: LineOpts = {}): number {
    return this.event('mm_page_free_batched', `page=(____ptrval____) pfn=0x${pfn.toString(16)} order=0`, o);
  }

  drain(pfn: number, order = 0, o: LineOpts = {}): number {
    return this.event('mm_page_pcpu_drain', `page=(____ptrval____) pfn=0x${pfn.toString(16)} order=${order} migratetype=0`, o);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** mulberry32: a small seeded PRNG, so generated traffic is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GFPS = ['GFP_KERNEL', 'GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO', 'GFP_KERNEL_ACCOUNT|__GFP_ZERO', 'GFP_NOWAIT|__GFP_NOWARN'];
const TASKS = ['sort-143', 'tar-175', 'kworker/0:2-50', 'gzip-135'];

/**
 * Correct traffic: allocations of orders 0..3 in a pfn range, freed whole with their order
 * (order-0 frees sometimes followed by `mm_page_free_batched`, free pages sometimes drained),
 * on two CPUs; everything allocated is freed by the end unless `leave` live allocations remain.
 */
export function cleanTraffic(b: TraceBuilder, ops: number, seed: number, base = 0x10000, span = 4096, leave = 0): void {
  const rnd = prng(seed);
  const live = new Map<number, number>(); // head → order
  const used = new Uint8Array(span);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  for (let i = 0; i < ops; i++) {
    const cpu = rnd() < 0.5 ? 0 : 1;
    const task = pick(TASKS);
    if (live.size > 0 && (rnd() < 0.45 || live.size > 200)) {
      const heads = [...live.keys()];
      const head = pick(heads);
      const order = live.get(head)!;
      live.delete(head);
      used.fill(0, head - base, head - base + (1 << order));
      b.free(head, order, { cpu, task });
      if (order === 0 && rnd() < 0.5) b.batched(head, { cpu, task });
      if (order <= 3 && rnd() < 0.3) b.drain(head, order, { cpu, task });
      continue;
    }
    const order = rnd() < 0.7 ? 0 : Math.floor(rnd() * 4);
    const n = 1 << order;
    let head = -1;
    for (let tries = 0; tries < 20 && head < 0; tries++) {
      const at = Math.floor((rnd() * span) / n) * n;
      if (used.subarray(at, at + n).every((x) => x === 0)) head = base + at;
    }
    if (head < 0) continue;
    used.fill(1, head - base, head - base + n);
    live.set(head, order);
    b.alloc(head, order, pick(GFPS), { cpu, task });
  }
  const heads = [...live.keys()];
  for (const head of heads.slice(leave)) b.free(head, live.get(head)!, { cpu: 0, task: 'kworker/0:2-50' });
}
