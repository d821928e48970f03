/**
 * Every rule of memdesc/eslint-plugin through typescript-eslint's RuleTester (on vitest), with
 * type information from a project service over test/checker/fixtures/: valid and invalid cases,
 * including calls into another module (fixtures/pages.ts). The code imports 'memdesc' as a user's
 * does (the built package: `npm test` builds first).
 */
import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';
import plugin, { type RuleId } from '../../src/checker/eslint-plugin.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: `${import.meta.dirname}/fixtures`,
    },
  },
});

const head = `import { createMemory, allocPage, freePage, readRaw, folioAlloc, folioPut, folioGet, kmalloc, kfree, spinLockInit, withSpinLock, withPageMapped, defineMemdesc, memdescAlloc, memdescFree, memdescPut, intoShared, GFP_KERNEL, GFP_ATOMIC, type Owned, type Page, type Live, type ARef, type Folio, type Memory } from 'memdesc';
const mem = createMemory();
const buf = new Uint8Array(4);
`;
const L = head.split('\n').length - 1; // lines before a case's own code

// rule-tester carries its own copy of @typescript-eslint/utils (8.72, the plugin is typed with
// 8.73): the same RuleModule type twice, told apart by TypeScript only by where it lives.
const rule = (id: RuleId) => plugin.rules[id] as unknown as Parameters<typeof tester.run>[1];

const err = (line: number) => [{ messageId: 'finding' as const, line: L + line }];

tester.run('use-after-free', rule('use-after-free'), {
  valid: [
    { code: head + `export function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  readRaw(p, buf, 0);\n  freePage(p);\n}` },
    { code: head + `import { release, peek } from './pages.js';\nexport function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  peek(p);\n  release(p);\n}` },
    { code: head + `export function f(c: boolean) {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  if (c) freePage(p);\n  else readRaw(p, buf, 0);\n}` },
  ],
  invalid: [
    { code: head + `export function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  const q = p;\n  freePage(p);\n  readRaw(q, buf, 0);\n}`, errors: err(5) },
    { code: head + `import { release } from './pages.js';\nexport function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  release(p);\n  readRaw(p, buf, 0);\n}`, errors: err(5) },
    { code: head + `class R {\n  page = allocPage(mem, GFP_KERNEL)!;\n  close() { freePage(this.page); }\n}\nexport function f() {\n  const r = new R();\n  r.close();\n  readRaw(r.page, buf, 0);\n}`, errors: err(8) },
  ],
});

tester.run('double-free', rule('double-free'), {
  valid: [
    { code: head + `export function f() {\n  const pages = [allocPage(mem, GFP_KERNEL)!, allocPage(mem, GFP_KERNEL)!];\n  freePage(pages[0]!);\n  freePage(pages[1]!);\n}` },
    { code: head + `export function f() {\n  const a = folioAlloc(mem, GFP_KERNEL, 0)!;\n  const b = folioGet(a);\n  folioPut(a);\n  folioPut(b);\n}` },
  ],
  invalid: [
    { code: head + `export function f() {\n  const pages = [allocPage(mem, GFP_KERNEL)!, allocPage(mem, GFP_KERNEL)!];\n  freePage(pages[0]!);\n  freePage(pages[0]!);\n  freePage(pages[1]!);\n}`, errors: err(4) },
    { code: head + `import { release } from './pages.js';\nexport function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  release(p);\n  release(p);\n}`, errors: err(5) },
    { code: head + `export function f() {\n  const a = kmalloc(mem, 64, GFP_KERNEL)!;\n  const m = new Map([[1, 0]]);\n  const slots = new Map<number, typeof a>();\n  slots.set(1, a);\n  kfree(slots.get(1)!);\n  kfree(a);\n  void m;\n}`, errors: err(7) },
  ],
});

tester.run('use-after-move', rule('use-after-move'), {
  valid: [{ code: head + `const T = defineMemdesc({ name: 't', ownable: true, refcounted: true });\nexport function f() {\n  const o = memdescAlloc(mem, T, GFP_KERNEL)!;\n  const s = intoShared(o);\n  memdescPut(s);\n}` }],
  invalid: [{ code: head + `const T = defineMemdesc({ name: 't', ownable: true, refcounted: true });\nexport function f() {\n  const o = memdescAlloc(mem, T, GFP_KERNEL)!;\n  const s = intoShared(o);\n  memdescFree(o);\n  memdescPut(s);\n}`, errors: err(5) }],
});

tester.run('leak', rule('leak'), {
  valid: [
    { code: head + `export function f(n: number): number {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return -1;\n  if (n > 1) { freePage(p); return 1; }\n  freePage(p);\n  return 0;\n}` },
    { code: head + `export function f(): Owned<Page<0>> | null {\n  return allocPage(mem, GFP_KERNEL);\n}` },
    { code: head + `export function f(slots: (Owned<Page<0>> | null)[]) {\n  slots.push(allocPage(mem, GFP_KERNEL));\n}` },
  ],
  invalid: [
    { code: head + `export function f(n: number): number {\n  const p = allocPage(mem, GFP_KERNEL);\n  if (!p) return -1;\n  if (n > 1) return 1;\n  freePage(p);\n  return 0;\n}`, errors: err(4) },
    { code: head + `export function f() {\n  const m = new Map<string, Owned<Page<0>>>();\n  m.set('k', allocPage(mem, GFP_KERNEL)!);\n  m.delete('k');\n}`, errors: err(4) },
  ],
});

tester.run('sleep-in-atomic', rule('sleep-in-atomic'), {
  valid: [{ code: head + `const lock = spinLockInit(mem);\nexport function f() {\n  const p = withSpinLock(lock, (ctx) => allocPage(ctx, GFP_ATOMIC));\n  if (p) freePage(p);\n}` }],
  invalid: [
    { code: head + `const lock = spinLockInit(mem);\nexport function f() {\n  const p = withSpinLock(lock, () => allocPage(mem, GFP_KERNEL));\n  if (p) freePage(p);\n}`, errors: err(3) },
    { code: head + `import { refill } from './pages.js';\nconst lock = spinLockInit(mem);\nexport function f() {\n  const p = withSpinLock(lock, () => {\n    return refill(mem);\n  });\n  if (p) freePage(p);\n}`, errors: err(5) },
  ],
});

tester.run('free-while-mapped', rule('free-while-mapped'), {
  valid: [{ code: head + `import { release } from './pages.js';\nexport function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  withPageMapped(p, (v) => { v[0] = 1; });\n  release(p);\n}` }],
  invalid: [{ code: head + `import { release } from './pages.js';\nexport function f() {\n  const p = allocPage(mem, GFP_KERNEL)!;\n  withPageMapped(p, (v) => {\n    v[0] = 1;\n    release(p);\n  });\n}`, errors: err(6) }],
});
