/**
 * The entry points as users meet them (../shared/API.md, "Entry points"): `memdesc` imports no
 * Node built-in — its built module graph, a browser bundle of it running in headless Chromium —
 * and its declaration files compile without `@types/node` under TypeScript 5.9, 6 and 7 with
 * `skipLibCheck` off; `memdesc/trace` is the Node part. Runs against dist/ (`npm test` builds
 * first).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { symlinkSync, mkdirSync } from 'node:fs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPILERS, NO_CHROMIUM, bundleForBrowser, dumpDom, findChromium, installDeclarations, printed, requireBuild, root, tmp, tsc, writeConsolePage } from './helpers.js';

beforeAll(requireBuild);

/** Every module the graph of `entry` (built JavaScript) loads: relative ones followed, the rest by specifier. */
function moduleGraph(entry: string): { files: string[]; external: Set<string> } {
  const seen = new Set<string>();
  const external = new Set<string>();
  const todo = [resolve(entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else external.add(spec);
    }
  }
  return { files: [...seen], external };
}

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

describe('memdesc imports no Node built-in', () => {
  it('the module graph of dist/index.js loads no node: module (nor a bare built-in name), and only declared dependencies', () => {
    const { files, external } = moduleGraph(join(root, 'dist/index.js'));
    expect(files.length).toBeGreaterThan(20);
    expect([...external].filter(isBuiltin)).toEqual([]);
    const deps = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    for (const spec of external) expect(deps).toContain(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    expect(files.some((f) => f.includes(`${join('dist', 'trace')}`))).toBe(false);
  });

  it('the walker sees built-ins where they are: dist/trace/index.js (memdesc/trace) loads node:fs, node:zlib, node:stream', () => {
    const { external } = moduleGraph(join(root, 'dist/trace/index.js'));
    expect([...external].filter(isBuiltin).sort()).toEqual(['node:fs', 'node:fs/promises', 'node:stream', 'node:zlib']);
  });

  it('package.json maps the entry points, types first', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string> | string> };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./trace']).toEqual({ types: './dist/trace/index.d.ts', default: './dist/trace/index.js' });
    expect(Object.keys(pkg.exports['./trace'] as object)[0]).toBe('types');
  });

  it('src/index.ts does not re-export the trace', () => {
    expect(readFileSync(join(root, 'src/index.ts'), 'utf8')).not.toMatch(/from '\.\/trace\//);
  });
});

describe('the declaration files compile without @types/node, skipLibCheck off', () => {
  const dir = tmp('dts');
  const core = `import * as memdesc from 'memdesc';
import { createMemory, allocPage, freePage, buddyinfo, MmError, GFP_KERNEL, type Owned, type Page } from 'memdesc';
const mem = createMemory({ pages: 1024 });
const p: Owned<Page<0>> | null = allocPage(mem, GFP_KERNEL);
if (p !== null) freePage(p);
export const summary: [string, typeof MmError, typeof memdesc] = [buddyinfo(mem), MmError, memdesc];
`;
  const trace = `import * as trace from 'memdesc/trace';
import { replayTrace, type TraceReplay, type TraceSource } from 'memdesc/trace';
declare const source: TraceSource;
export const r: Promise<TraceReplay> = replayTrace(source);
export const all: typeof trace = trace;
`;
  const config = (files: string[], lib: string[]) =>
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, lib, types: [], skipLibCheck: false, noEmit: true },
      files,
    });

  beforeAll(() => {
    installDeclarations(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    writeFileSync(join(dir, 'core.ts'), core);
    writeFileSync(join(dir, 'trace.ts'), trace);
    mkdirSync(join(dir, 'core-only'));
    writeFileSync(join(dir, 'core-only/tsconfig.json'), config(['../core.ts'], ['ES2022', 'ESNext.Disposable']));
    mkdirSync(join(dir, 'browser'));
    writeFileSync(join(dir, 'browser/tsconfig.json'), config(['../core.ts', '../trace.ts'], ['ES2022', 'DOM', 'ESNext.Disposable']));
  });

  for (const { name, tsc: compiler } of COMPILERS) {
    it(`${name}: memdesc with lib ES2022 + ESNext.Disposable only (no DOM, no Node), and memdesc/trace beside a DOM lib`, () => {
      const a = tsc(compiler, join(dir, 'core-only'));
      expect(a.output).toBe('');
      expect(a.status).toBe(0);
      const b = tsc(compiler, join(dir, 'browser'));
      expect(b.output).toBe('');
      expect(b.status).toBe(0);
    });
  }

  it('the check can fail: a declaration that names NodeJS is refused there', () => {
    const bad = tmp('dts-bad');
    installDeclarations(bad);
    const d = join(bad, 'node_modules/memdesc/dist/index.d.ts');
    writeFileSync(d, readFileSync(d, 'utf8') + '\nexport type Leak = NodeJS.ReadableStream;\n');
    writeFileSync(join(bad, 'core.ts'), core);
    writeFileSync(join(bad, 'tsconfig.json'), config(['core.ts'], ['ES2022', 'ESNext.Disposable']));
    const r = tsc(COMPILERS[2].tsc, bad);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/Cannot find namespace 'NodeJS'/);
  });
});

const chromium = findChromium();
if (chromium === null) console.warn(NO_CHROMIUM);

describe.skipIf(chromium === null)('memdesc in a browser: bundled by esbuild, run in headless Chromium', () => {
  it('prints /proc/buddyinfo and an MmError code, the same as in Node', async () => {
    const dir = tmp('browser');
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/memdesc'), 'dir');
    const program = `import { createMemory, allocPage, freePage, drainAllPages, buddyinfo, MmError, GFP_KERNEL } from 'memdesc';
const mem = createMemory({ pages: 1024 });
const page = allocPage(mem, GFP_KERNEL)!;
freePage(page);
try {
  freePage(page as any); // a double free that slipped past the types
} catch (e) {
  console.log(e instanceof MmError ? 'MmError ' + e.code + ' pfn ' + e.pfn : 'not an MmError: ' + String(e));
}
drainAllPages(mem);
console.log(buddyinfo(mem).trimEnd());
console.log('agent ' + (/HeadlessChrome/.test(navigator.userAgent) ? 'HeadlessChrome' : navigator.userAgent));
`;
    writeFileSync(join(dir, 'main.ts'), program);
    await bundleForBrowser(join(dir, 'main.ts'), join(dir, 'main.js'));
    const bundle = readFileSync(join(dir, 'main.js'), 'utf8');
    expect(bundle).not.toMatch(/\brequire\(|from *["']node:|import\(["']node:/);
    const out = printed(dumpDom(chromium!, writeConsolePage(dir, 'main.js')));
    const mm = await import(join(root, 'dist/index.js'));
    const mem = mm.createMemory({ pages: 1024 });
    mm.drainAllPages(mem);
    expect(out).toBe(`MmError DOUBLE_FREE pfn 0\n${mm.buddyinfo(mem).trimEnd()}\nagent HeadlessChrome\n`);
    expect(out).toMatch(/^Node 0, zone {3}Normal( +0){10} +1 *$/m);
  });

  it('a bundle of memdesc/trace is refused for the browser: it needs Node', async () => {
    const dir = tmp('browser-trace');
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/memdesc'), 'dir');
    writeFileSync(join(dir, 'main.ts'), `import { replayTrace } from 'memdesc/trace';\nconsole.log(typeof replayTrace);\n`);
    await expect(bundleForBrowser(join(dir, 'main.ts'), join(dir, 'main.js'))).rejects.toThrow(/node:/);
  });
});
