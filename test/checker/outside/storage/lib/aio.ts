/**
 * Async I/O completions: a request is queued and completes on a later microtask; completion
 * callbacks run once, in submission order.
 */
export type Completion = (status: number) => void;

export class AioQueue {
  private readonly pending: { id: number; cb: Completion }[] = [];
  private nextId = 1;
  completed = 0;

  /** Queues a request whose completion runs cb once. Returns the request id. */
  submit(cb: Completion): number {
    const id = this.nextId++;
    this.pending.push({ id, cb });
    return id;
  }

  get inflight(): number {
    return this.pending.length;
  }

  /** Lets the "device" finish: every pending completion runs after a microtask. */
  async drain(): Promise<number> {
    await Promise.resolve();
    let n = 0;
    while (this.pending.length > 0) {
      const r = this.pending.shift()!;
      r.cb(0);
      this.completed++;
      n++;
    }
    return n;
  }
}

/** A promise that resolves after a few microtasks, like an interrupt-driven completion. */
export async function ioWait(ticks = 2): Promise<void> {
  for (let i = 0; i < ticks; i++) await Promise.resolve();
}

/** Runs fn on completion and resolves with its result. */
export async function completeWith<T>(fn: () => T): Promise<T> {
  await ioWait();
  return fn();
}
