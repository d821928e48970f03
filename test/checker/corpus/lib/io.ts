/** Simulated I/O completion: resolves on a later turn of the event loop. */
export function ioComplete(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
