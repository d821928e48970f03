/**
 * memdesc's typedoc plugin: the API site organised the way the kernel is.
 *
 * - **Layers.** Every export gets the category of the folder it is declared in (`src/page-alloc/`
 *   → "Page allocator (mm/page_alloc.c)", …; {@link LAYERS}), unless its comment names one with
 *   `@category`. No declaration needs a tag; an export from a folder the table does not know is a
 *   warning (an error: typedoc runs with warnings as errors), so a new layer is added here once.
 * - **Kernel-name search.** The search index gets a `kernel` field, weighted far above the rest:
 *   the C (or Rust) names an export's summary leads with (`` `alloc_pages(gfp, order)` — … `` →
 *   `alloc_pages`), so searching `alloc_pages`, `folio_put` or `kmem_cache_free` lands on
 *   `allocPages`, `folioPut`, `kmemCacheFree`. A name given "for your own memdesc" (an analogy,
 *   not the function itself) goes in a weaker field.
 * - **One description per function.** typedoc copies an overloaded function's comment onto every
 *   signature; when they are all the same it is shown once, above the signatures.
 * - **The guides.** `projectDocuments` (docs/*.md) become pages titled by their first heading, in
 *   the order docs/index.md links them (a guide it does not link is a warning). In the guides and
 *   the README, inline code naming an export (`allocPages`, `allocPages()`, `MmError`) or an
 *   entry point (`memdesc/trace`) — or the kernel function an export models (`folio_put()`) —
 *   links to its reference page; the Markdown stays plain for GitHub and the registry.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Application, Comment, CommentTag, Converter, IndexEvent, ReflectionKind, RendererEvent } from 'typedoc';

/** Folder (or file) of src/ → category. The first match wins; list files before their folder. */
export const LAYERS = [
  ['src/page-alloc/gfp.ts', 'GFP flags (include/linux/gfp_types.h)'],
  ['src/types/gfp.ts', 'GFP flags (include/linux/gfp_types.h)'],
  ['src/page-alloc/', 'Page allocator (mm/page_alloc.c)'],
  ['src/folio/', 'Folios (include/linux/mm.h, mm/swap.c)'],
  ['src/slab/', 'Slab and kmalloc (mm/slub.c, mm/slab_common.c)'],
  ['src/vmalloc/', 'vmalloc (mm/vmalloc.c)'],
  ['src/pgtable/', 'Page tables (struct ptdesc)'],
  ['src/memdesc/', 'Your own memdescs (defineMemdesc)'],
  ['src/reclaim/', 'Reclaim (mm/list_lru.c, mm/shrinker.c, mm/vmscan.c)'],
  ['src/sync/', 'Sync (include/linux/spinlock.h)'],
  ['src/debug/', 'Debug and /proc (mm/page_owner.c, fs/proc)'],
  ['src/proc/', 'Debug and /proc (mm/page_owner.c, fs/proc)'],
  ['src/trace/', 'Trace (include/trace/events/kmem.h)'],
  ['src/types/', 'Types (ownership, Page<O, Owner>, rule sentences)'],
  ['src/checker/', 'Checker (memdesc/eslint-plugin)'],
];

/** The layers in the kernel's order, bottom up: typedoc's `categoryOrder` (the plugin sets it). */
export const CATEGORY_ORDER = [
  'Page allocator (mm/page_alloc.c)',
  'GFP flags (include/linux/gfp_types.h)',
  'Folios (include/linux/mm.h, mm/swap.c)',
  'Slab and kmalloc (mm/slub.c, mm/slab_common.c)',
  'vmalloc (mm/vmalloc.c)',
  'Page tables (struct ptdesc)',
  'Your own memdescs (defineMemdesc)',
  'Reclaim (mm/list_lru.c, mm/shrinker.c, mm/vmscan.c)',
  'Sync (include/linux/spinlock.h)',
  'Debug and /proc (mm/page_owner.c, fs/proc)',
  'Trace (include/trace/events/kmem.h)',
  'Checker (memdesc/eslint-plugin)',
  'Types (ownership, Page<O, Owner>, rule sentences)',
];

const root = join(import.meta.dirname, '..');

/** The comment an export's documentation lives on: its own, or (functions) its first signature's. */
function commentOf(refl) {
  return refl.comment ?? refl.signatures?.[0]?.comment;
}

/** Source path relative to the repository. */
function sourcePath(refl) {
  const s = refl.sources?.[0] ?? refl.signatures?.[0]?.sources?.[0];
  if (s === undefined) return undefined;
  return s.fullFileName ? relative(root, s.fullFileName).split('\\').join('/') : s.fileName;
}

/** The layer of a source path, or undefined. */
export function layerOf(path) {
  return LAYERS.find(([prefix]) => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix))?.[1];
}

/**
 * The kernel names a summary leads with: the code spans before its first ` — `, each the C or
 * Rust name it opens with (`alloc_pages(gfp, order)` → `alloc_pages`; `Page::read_raw` → that and
 * `read_raw`; `struct folio` → `folio`). `weak`: the lead says "for your own …" (an analogy).
 */
export function kernelNames(comment) {
  if (comment === undefined) return { names: [], weak: false };
  const lead = [];
  for (const part of comment.summary) {
    if (part.kind === 'text' && part.text.includes(' — ')) {
      lead.push({ kind: 'text', text: part.text.slice(0, part.text.indexOf(' — ')) });
      break;
    }
    if (part.kind === 'text' && part.text.includes('\n\n')) return { names: [], weak: false }; // no lead in the first paragraph
    lead.push(part);
  }
  const names = [];
  for (const part of lead) {
    if (part.kind !== 'code') continue;
    const span = part.text.replace(/^`+|`+$/g, '').replace(/^struct\s+/, '');
    const m = /^([A-Za-z_][\w]*(?:::[A-Za-z_]\w*)*)(?:\(|$|\s*…|<)/.exec(span);
    if (m === null) continue;
    names.push(m[1]);
    if (m[1].includes('::')) names.push(m[1].split('::').pop());
  }
  const weak = lead.some((p) => p.kind === 'text' && /\bfor your own\b/.test(p.text));
  return { names: [...new Set(names)], weak };
}

/** Comments equal in what they show. */
function sameComment(a, b) {
  if (a === undefined || b === undefined) return a === b;
  const show = (c) => JSON.stringify([c.summary.map((p) => p.text), c.blockTags.map((t) => [t.tag, t.content.map((p) => p.text)]), [...c.modifierTags]]);
  return show(a) === show(b);
}

/** The guides (absolute paths) in the order docs/index.md links them, docs/index.md first. */
function guideOrder() {
  const index = join(root, 'docs/index.md');
  try {
    const text = readFileSync(index, 'utf8');
    return [index, ...[...text.matchAll(/\]\(([^)#\s]+\.md)(?:#[^)]*)?\)/g)].map((m) => resolve(dirname(index), m[1]))];
  } catch {
    return [];
  }
}

/** The first `# heading` of a document's content, or undefined. */
function firstHeading(parts) {
  const text = parts.map((p) => p.text).join('');
  return /^# (.+)$/m.exec(text)?.[1]?.replace(/`/g, '').trim();
}

/**
 * GitHub's anchor for a heading's text (code spans included): letters, digits, `_` and `-` kept,
 * each space a `-`. typedoc's own drops code spans and folds `--`, so a guide's `#anchor` that
 * works on GitHub and in the registry's README view would miss on the site.
 */
export function githubSerialize(value) {
  return value.trim().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, '').replace(/\s/g, '-') || '_';
}

/** markdown-it: code spans in headings count as heading text (for the anchor), still shown as code. */
function codeInHeadings(md) {
  md.core.ruler.push('memdesc-code-in-headings', (state) => {
    for (let i = 1; i < state.tokens.length; i++) {
      if (state.tokens[i - 1].type !== 'heading_open' || state.tokens[i].type !== 'inline') continue;
      for (const t of state.tokens[i].children ?? []) {
        if (t.type === 'code_inline') {
          t.type = 'text';
          t.meta = { ...t.meta, memdescCode: true };
        }
      }
    }
  });
  const text = md.renderer.rules.text;
  md.renderer.rules.text = (tokens, idx, options, env, self) =>
    tokens[idx].meta?.memdescCode ? `<code>${md.utils.escapeHtml(tokens[idx].content)}</code>` : text(tokens, idx, options, env, self);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  const log = app.logger;

  // After the options are read (a plugin loads between two reads of them).
  app.on(Application.EVENT_BOOTSTRAP_END, () => {
    for (const [, layer] of LAYERS) if (!CATEGORY_ORDER.includes(layer)) log.warn(`memdesc typedoc plugin: layer "${layer}" is missing from CATEGORY_ORDER`);
    if (!app.options.isSet('categoryOrder')) app.options.setValue('categoryOrder', [...CATEGORY_ORDER, '*']);
    const loader = app.options.getValue('markdownItLoader');
    app.options.setValue('markdownItLoader', (parser) => {
      loader(parser);
      codeInHeadings(parser);
    });
  });
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    const slugger = app.renderer.router.getSlugger(event.project);
    Object.getPrototypeOf(slugger).serialize = githubSerialize;
  });

  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    // Guides: titled by their first heading, in docs/index.md's order.
    const order = guideOrder();
    const docs = project.documents ?? [];
    for (const d of docs) {
      const file = project.files.getReflectionPath(d);
      const title = firstHeading(d.content);
      if (title !== undefined) d.name = title;
      d.__order = file === undefined ? -1 : order.indexOf(resolve(file));
      if (d.__order < 0) log.warn(`memdesc typedoc plugin: ${file ? relative(root, file) : d.name} is not linked from docs/index.md's table: add a row (it orders the guides on the site)`);
    }
    // A guide's link to the README lands on the site's front page, which is the README.
    project.files.registerReflectionPath(join(root, 'README.md'), project);
    const rank = (d) => (d.__order < 0 ? 1e9 : d.__order);
    docs.sort((a, b) => rank(a) - rank(b));
    // The navigation lists childrenIncludingDocuments: the guides first, in that order.
    if (project.childrenIncludingDocuments) project.childrenIncludingDocuments = [...docs, ...project.childrenIncludingDocuments.filter((c) => !c.isDocument())];
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    const modules = project.children?.filter((c) => c.kindOf(ReflectionKind.Module)) ?? [project];
    /** Every export and entry point by the names that may link to it. */
    const byName = new Map();
    const byKernel = new Map();
    for (const mod of modules) {
      byName.set(mod.name, mod);
      for (const refl of mod.children ?? []) {
        // One description per function: identical comments on every signature move to the function.
        if (refl.signatures !== undefined && refl.signatures.length > 1 && refl.comment === undefined && refl.signatures.every((s) => sameComment(s.comment, refl.signatures[0].comment))) {
          refl.comment = refl.signatures[0].comment;
          for (const s of refl.signatures) s.comment = undefined;
        }
        // The layer of the folder it is declared in.
        const comment = commentOf(refl);
        if (comment?.blockTags.some((t) => t.tag === '@category') !== true) {
          const path = sourcePath(refl);
          const layer = path === undefined ? undefined : layerOf(path);
          if (layer === undefined) log.warn(`memdesc typedoc plugin: ${mod.name}.${refl.name} is declared in ${path ?? 'an unknown file'}, a folder with no layer: add it to LAYERS in scripts/typedoc-plugin.mjs`);
          else {
            const tag = new CommentTag('@category', [{ kind: 'text', text: layer }]);
            if (comment !== undefined) comment.blockTags.push(tag);
            else refl.comment = new Comment([], [tag]);
          }
        }
        if (!byName.has(refl.name)) byName.set(refl.name, refl);
        const k = kernelNames(commentOf(refl));
        if (!k.weak && refl.kindOf(ReflectionKind.Function)) for (const n of k.names) byKernel.set(n, byKernel.has(n) ? null : refl);
      }
    }
    // Inline code in the guides and the README that names an export links to it.
    const link = (parts) => {
      let line = '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (p.kind === 'code' && /^`[^`\n]+`$/.test(p.text) && !/^\s*#{1,6}\s/.test(line)) {
          const name = p.text.slice(1, -1).replace(/\(\)$/, '');
          const target = byName.get(name) ?? byKernel.get(name) ?? undefined;
          if (target) parts[i] = { kind: 'inline-tag', tag: '@linkcode', text: p.text.slice(1, -1), target };
        }
        const t = p.text;
        const nl = t.lastIndexOf('\n');
        line = nl >= 0 ? t.slice(nl + 1) : line + t;
      }
    };
    for (const d of project.documents ?? []) link(d.content);
    if (project.readme) link(project.readme);
  });

  // The search index's kernel-name fields.
  app.renderer.on(IndexEvent.PREPARE_INDEX, (event) => {
    event.searchFieldWeights.kernel = 100;
    event.searchFieldWeights.kernelAlso = 5;
    event.searchResults.forEach((refl, i) => {
      const k = kernelNames(commentOf(refl));
      if (k.names.length === 0) return;
      event.searchFields[i][k.weak ? 'kernelAlso' : 'kernel'] = k.names.join(' ');
    });
  });
}
