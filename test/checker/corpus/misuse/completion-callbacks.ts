/** Completion callbacks capture a folio; the folio is put before the completions run. */
import { folioAlloc, folioPut, folioRefCount, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  const stats = { refs: 0 };
  const onComplete: Array<() => void> = [];
  onComplete.push(() => {
    stats.refs = folioRefCount(folio); // expect-also: use-after-free
  });
  folioPut(folio);
  for (const cb of onComplete) cb(); // expect: use-after-free
}
