// The README's ten lines, type-checked by `npm run typecheck` (TypeScript 6 and 7); the refused lines are marked.
import { createMemory, kmalloc, kfree, virtToPage, getPage, folioAlloc, folioPage, putPage, folioPut, GFP_KERNEL } from 'memdesc';

const mem = createMemory(); // 256 MiB, 4 KiB pages, one Normal zone
const buf = kmalloc(mem, 512, GFP_KERNEL)!; // KmallocPtr<'slab'>
// @ts-expect-error — get_page(): a slab page has no refcount
getPage(virtToPage(buf));
const folio = folioAlloc(mem, GFP_KERNEL, 2)!; // ARef<Folio<2>>, refcount 1
const ref = getPage(folioPage(folio, 3)); // a folio page: counted on the folio (refcount 2)
putPage(ref);
folioPut(folio); // the last put frees all 4 pages
kfree(buf);
// @ts-expect-error — double free
kfree(buf);
