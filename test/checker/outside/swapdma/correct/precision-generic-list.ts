// A generic "take from a list and dispose" helper over an intrusive singly linked list of
// pending crash-dump pages, and a try/catch around a copy that may fail: every page is freed
// once, whichever path it leaves by.
import { freePage, withPageMapped, type Memory } from 'memdesc';
import { DumpImage, workingSet, pfnOf, type DumpPage } from '../lib/crashdump.js';

interface Node<T> {
  item: T;
  next: Node<T> | null;
}

function pushFront<T>(head: Node<T> | null, item: T): Node<T> {
  return { item, next: head };
}

/** Pops every item, hands it to `consume`, which takes ownership of it. */
function drain<T>(head: Node<T> | null, consume: (item: T) => void): void {
  let n = head;
  while (n !== null) {
    const next = n.next;
    consume(n.item);
    n.next = null;
    n = next;
  }
}

export function run(mem: Memory): void {
  const image = new DumpImage(2);
  let head: Node<DumpPage> | null = null;
  for (const p of workingSet(mem, 4)) head = pushFront(head, p);
  drain(head, (p) => {
    try {
      if (image.full) throw new Error('dump image full');
      const pfn = pfnOf(p);
      withPageMapped(p, (view) => image.add(pfn, view, 16));
    } catch {
      // skipped: the page is still freed below
    } finally {
      freePage(p);
    }
  });
  head = null;
}
