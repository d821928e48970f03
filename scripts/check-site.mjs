#!/usr/bin/env node
/**
 * Checks the API site typedoc built in docs/api (run by `npm run docs`, after typedoc):
 *
 * - the reference is grouped by kernel layer, in the kernel's order (typedoc.json's
 *   `categoryOrder`), functions first within each layer, every export in one;
 * - an overloaded function has one description, not one per signature;
 * - every guide (docs/*.md, each examples/NAME/README.md) is a page, titled by its first heading;
 * - every link of every page resolves: the file exists and so does the `#anchor`;
 * - search, typed key by key into the search box in headless Chromium, lands on the function a
 *   kernel name names, first (`alloc_pages` → `allocPages`, …). Without Chromium this part is
 *   skipped with a message (Debian: apt-get install -y chromium).
 *
 * Usage: node scripts/check-site.mjs
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CATEGORY_ORDER } from './typedoc-plugin.mjs';
import { findChromium, launch } from './chromium.mjs';

const root = resolve(import.meta.dirname, '..');
const site = join(root, 'docs/api');
const failures = [];
const fail = (msg) => failures.push(msg);

/** Kernel name typed into the search box → the export that must be the first result. */
export const KERNEL_SEARCHES = [
  ['alloc_pages', 'allocPages'],
  ['folio_put', 'folioPut'],
  ['kmem_cache_free', 'kmemCacheFree'],
  ['__free_pages', 'freePages'],
  ['get_page', 'getPage'],
  ['vmalloc_to_page', 'vmallocToPage'],
  ['list_lru_walk', 'listLruWalk'],
  ['spin_lock_init', 'spinLockInit'],
];

// ---------------------------------------------------------------- the model (typedoc's JSON)
const project = JSON.parse(readFileSync(join(site, 'reflections.json'), 'utf8'));
const FUNCTION = 64;
const modules = project.children ?? [];
const moduleNames = modules.map((m) => m.name);
// The entry points, memdesc first (another entry point, such as memdesc/eslint-plugin, may follow).
if (moduleNames[0] !== 'memdesc' || !moduleNames.includes('memdesc/trace')) fail(`the modules are ${JSON.stringify(moduleNames)}: memdesc first, and memdesc/trace`);
for (const mod of modules) {
  const byId = new Map((mod.children ?? []).map((c) => [c.id, c]));
  const cats = mod.categories ?? [];
  const titles = cats.map((c) => c.title);
  if (titles.some((t) => !CATEGORY_ORDER.includes(t))) fail(`${mod.name}: categories outside the layer table: ${titles.filter((t) => !CATEGORY_ORDER.includes(t)).join(', ')}`);
  const order = titles.map((t) => CATEGORY_ORDER.indexOf(t));
  if (order.some((o, i) => i > 0 && o < order[i - 1])) fail(`${mod.name}: layers out of the kernel's order: ${titles.join(' | ')}`);
  const listed = new Set(cats.flatMap((c) => c.children));
  for (const c of mod.children ?? []) if (!listed.has(c.id)) fail(`${mod.name}.${c.name} is in no layer`);
  for (const cat of cats) {
    const kinds = cat.children.map((id) => byId.get(id)?.kind);
    const lastFn = kinds.lastIndexOf(FUNCTION);
    const firstOther = kinds.findIndex((k) => k !== FUNCTION);
    if (lastFn >= 0 && firstOther >= 0 && firstOther < lastFn) fail(`${mod.name} / ${cat.title}: a function after another kind (functions come first)`);
  }
  for (const c of mod.children ?? []) {
    if (c.kind !== FUNCTION || (c.signatures?.length ?? 0) < 2) continue;
    if (c.comment === undefined || c.signatures.some((s) => s.comment !== undefined)) fail(`${mod.name}.${c.name}: ${c.signatures.length} signatures with a description each, not one for the function`);
  }
}
const expectLayers = ['Page allocator (mm/page_alloc.c)', 'Folios (include/linux/mm.h, mm/swap.c)', 'Slab and kmalloc (mm/slub.c, mm/slab_common.c)', 'vmalloc (mm/vmalloc.c)', 'Page tables (struct ptdesc)', 'Your own memdescs (defineMemdesc)', 'Reclaim (mm/list_lru.c, mm/shrinker.c, mm/vmscan.c)', 'Sync (include/linux/spinlock.h)', 'Debug and /proc (mm/page_owner.c, fs/proc)', 'Types (ownership, Page<O, Owner>, rule sentences)'];
const coreLayers = modules[0]?.categories?.map((c) => c.title) ?? [];
for (const l of expectLayers) if (!coreLayers.includes(l)) fail(`memdesc: no layer "${l}"`);
const traceModule = modules.find((m) => m.name === 'memdesc/trace');
if (JSON.stringify(traceModule?.categories?.map((c) => c.title)) !== JSON.stringify(['Trace (include/trace/events/kmem.h)'])) fail('memdesc/trace: not the one layer "Trace (include/trace/events/kmem.h)"');

// ---------------------------------------------------------------- the guides
const guides = [
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'README.md'))).map((d) => `examples/${d}/README.md`),
];
const docTitles = new Set((project.documents ?? []).map((d) => d.name));
for (const g of guides) {
  const title = /^# (.+)$/m.exec(readFileSync(join(root, g), 'utf8'))?.[1]?.replace(/`/g, '').trim();
  if (title === undefined || !docTitles.has(title)) fail(`${g} ("${title}") is not a page of the site`);
}

// ---------------------------------------------------------------- links
function htmlFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? htmlFiles(p) : n.endsWith('.html') ? [p] : [];
  });
}
const pages = htmlFiles(site);
const idsOf = new Map();
const ids = (file) => {
  if (!idsOf.has(file)) idsOf.set(file, new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  return idsOf.get(file);
};
let links = 0;
for (const page of pages) {
  const html = readFileSync(page, 'utf8');
  for (const m of html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)) {
    const href = m[1].replace(/&amp;/g, '&');
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href === '' || href === '#') continue;
    links++;
    const [path, anchor] = href.split('#');
    const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
    if (!existsSync(target)) fail(`${relative(site, page)}: link ${href}: no such file`);
    else if (anchor && target.endsWith('.html') && !ids(target).has(decodeURIComponent(anchor))) fail(`${relative(site, page)}: link ${href}: no #${anchor} there`);
  }
}

// ---------------------------------------------------------------- search, as a person uses it
async function search() {
  const chromium = findChromium();
  if (chromium === null) {
    console.warn('check-site: headless Chromium not found (Debian: apt-get install -y chromium): kernel-name search not checked');
    return;
  }
  const browser = await launch(chromium);
  try {
    const page = await browser.page(join(site, 'index.html'));
    await page.until('window.searchData !== undefined');
    for (const [query, expected] of KERNEL_SEARCHES) {
      let first = null;
      for (let attempt = 0; attempt < 5 && first === null; attempt++) {
        // Open the search box as a click would, clear it, and type the kernel name.
        await page.evaluate(`(() => { document.getElementById('tsd-search-trigger').click(); document.getElementById('tsd-search-results').innerHTML = ''; const f = document.getElementById('tsd-search-input'); f.value = ''; f.focus(); return true; })()`);
        await page.type(query);
        try {
          first = await page.until(`(() => { const a = document.querySelector('#tsd-search-results li a'); return a && { href: a.getAttribute('href'), text: a.textContent.replace(/\\s+/g, '') }; })()`, 3000);
        } catch {
          first = null; // the index was still loading: type again
        }
      }
      if (first === null) fail(`search "${query}": no results`);
      else if (!first.href.endsWith(`memdesc.${expected}.html`)) fail(`search "${query}": the first result is ${first.text} (${first.href}), not ${expected}`);
      else console.log(`check-site: search "${query}" → ${first.text} first`);
    }
  } finally {
    await browser.close();
  }
}
await search();

if (failures.length > 0) {
  console.error(`check-site: ${failures.length} problem(s) in docs/api:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-site: ${modules.length} modules grouped by layer, ${docTitles.size} guides as pages, ${links} links in ${pages.length} pages resolve`);
