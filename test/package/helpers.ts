/**
 * What the package tests share: the three compilers, the built package's files, a browser bundle
 * (esbuild, as a bundler user would build one) and headless Chromium (Debian's `chromium`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromiumFlags, findChromium } from '../../scripts/chromium.mjs';

export const root = join(import.meta.dirname, '../..');

/** TypeScript 5.9 (tsd's), 6 and 7, by their `tsc` scripts. */
export const COMPILERS = [
  { name: 'TypeScript 5.9', tsc: join(root, 'node_modules/@tsd/typescript/typescript/bin/tsc') },
  { name: 'TypeScript 6', tsc: join(root, 'node_modules/typescript/bin/tsc') },
  { name: 'TypeScript 7', tsc: join(root, 'node_modules/typescript7/bin/tsc') },
] as const;

/** Runs `tsc -p dir` (extra flags after); returns its status and output. */
export function tsc(compiler: string, dir: string, ...flags: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [compiler, '-p', dir, '--pretty', 'false', ...flags], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** Throws unless `npm run build` has produced dist/. */
export function requireBuild(): void {
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/trace/index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
}

export const tmp = (what: string) => mkdtempSync(join(tmpdir(), `memdesc-${what}-`));

/** Every file under `dir` whose name passes `pred`, as paths relative to `dir`. */
export function filesUnder(dir: string, pred: (name: string) => boolean, at = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, at))) {
    const rel = at === '' ? name : `${at}/${name}`;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...filesUnder(dir, pred, rel));
    else if (pred(name)) out.push(rel);
  }
  return out;
}

/**
 * A copy of the built package's declaration files and package.json at `dir/node_modules/memdesc`:
 * what a consumer's compiler sees, with nothing of this repository's node_modules (no @types/node)
 * reachable from it.
 */
export function installDeclarations(dir: string): void {
  const pkg = join(dir, 'node_modules/memdesc');
  for (const rel of filesUnder(join(root, 'dist'), (n) => n.endsWith('.d.ts'))) {
    mkdirSync(dirname(join(pkg, 'dist', rel)), { recursive: true });
    cpSync(join(root, 'dist', rel), join(pkg, 'dist', rel));
  }
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  // The package's own dependencies' types, as npm would install them beside it.
  for (const dep of ['ts-brand', 'commander']) cpSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep), { recursive: true });
}

/** Bundles `entry` (TypeScript or JavaScript) for the browser as one IIFE script, the way a bundler user would. */
export async function bundleForBrowser(entry: string, outfile: string): Promise<void> {
  await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', outfile, logLevel: 'silent' });
}

export { findChromium };

export const NO_CHROMIUM = 'headless Chromium not found (Debian: apt-get install -y chromium; or set MEMDESC_CHROMIUM): the browser test is skipped';

/**
 * Loads `page` (a file) in headless Chromium, runs its scripts (virtual time: until nothing is
 * pending) and returns the DOM as Chromium serialises it.
 */
export function dumpDom(chromium: string, page: string): string {
  const r = spawnSync(chromium, [...chromiumFlags(tmp('chromium-profile')), '--virtual-time-budget=10000', '--dump-dom', pathToFileURL(page).href], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

/**
 * An HTML page that runs `script` (an IIFE bundle beside it) with `console.log` and uncaught
 * errors written into `<pre id="out">`, so {@link dumpDom} shows what the program printed.
 */
export function writeConsolePage(dir: string, script: string): string {
  const page = join(dir, `${script}.html`);
  writeFileSync(
    page,
    `<!doctype html><html><head><meta charset="utf-8"><title>memdesc</title></head><body><pre id="out"></pre>` +
      `<script>const out=document.getElementById('out');` +
      `const show=(...a)=>{out.textContent+=a.map(String).join(' ')+'\\n'};` +
      `console.log=show;window.addEventListener('error',e=>show('UNCAUGHT '+e.message));` +
      `window.addEventListener('unhandledrejection',e=>show('UNHANDLED '+e.reason));</script>` +
      `<script src="${script}"></script></body></html>`,
  );
  return page;
}

/** The text of `<pre id="out">` in a DOM dump, unescaped. */
export function printed(dom: string): string {
  const m = /<pre id="out">([\s\S]*?)<\/pre>/.exec(dom);
  if (m === null) throw new Error(`no output element in the page: ${dom.slice(0, 500)}`);
  return m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
