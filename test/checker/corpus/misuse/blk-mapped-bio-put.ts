/**
 * A bio's end_io checks its data through a kmap and calls bio_put() before the kunmap.
 *
 * Kernel: end_io handlers that inspect data use kmap_local_page() / kunmap_local().
 * Protocol: the page must be unmapped before bio_put() can give it back to the allocator;
 * free_page_is_bad() refuses a page that is still kmapped.
 */
import { withPageMapped, type Memory } from 'memdesc';
import { bioAlloc, bioPut, type Bio } from '../lib/blkq.js';

function endIo(bio: Bio): number {
  const first = bio.pages[0];
  if (first === undefined) {
    bioPut(bio);
    return -5;
  }
  return withPageMapped(first, (view) => {
    const status = view[0] === 0 ? 0 : -5;
    bioPut(bio); // expect: free-while-mapped
    return status;
  });
}

export function run(mem: Memory): void {
  const bio = bioAlloc(mem, 16, 2);
  if (bio !== null) endIo(bio);
}
