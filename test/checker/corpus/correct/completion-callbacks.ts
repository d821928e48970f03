/** Completion callbacks capture a folio; the completions run before the folio is put. */
import { folioAlloc, folioPut, folioRefCount, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  const stats = { refs: 0 };
  const onComplete: Array<() => void> = [];
  onComplete.push(() => {
    stats.refs = folioRefCount(folio);
  });
  for (const cb of onComplete) cb();
  folioPut(folio);
}
