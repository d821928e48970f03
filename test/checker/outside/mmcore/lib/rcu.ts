// A tiny RCU: call_rcu() queues a callback; a grace period (an event-loop turn) runs the queue.
// Readers that keep an object across an await must hold a reference of their own.
export class Rcu {
  private pending: Array<() => void> = [];
  gracePeriods = 0;

  callRcu(fn: () => void): void {
    this.pending.push(fn);
  }

  /** synchronize_rcu() + rcu_barrier(): waits a grace period, then runs the callbacks queued before it. */
  async barrier(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.gracePeriods++;
    for (const fn of batch) fn();
  }
}

/** Some I/O a reader waits for (a millisecond: longer than a grace period). */
export function ioWait(ms = 1): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
