/** A Binder page (user memdesc) is cleared while its page is mapped and freed through a helper in another module after. */
import { memdescPage, withPageMapped, type Memory } from 'memdesc';
import { freeBinderPage, newBinderPage } from '../lib/descs.js';

export function run(mem: Memory): void {
  const page = newBinderPage(mem);
  if (page === null) return;
  withPageMapped(memdescPage(page, 0), (view) => {
    view.fill(0); // clear the transaction data
  });
  freeBinderPage(page);
}
