/**
 * The getting-started guide, as a new user meets it: a fresh project installs the packed tarball
 * (`npm pack`; one `npm install`, from npm's cache when it can), takes the two compiler
 * configurations docs/getting-started.md gives — Node (`@types/node`, `types: ["node"]`) and a
 * browser through a bundler (`DOM`, no Node types) — and every program of the guide, as written.
 * Each compiles under TypeScript 6 and 7 with `skipLibCheck` off, runs (in Node; bundled by
 * esbuild in headless Chromium), and prints what the guide says it prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPILERS, NO_CHROMIUM, bundleForBrowser, dumpDom, findChromium, printed, requireBuild, root, tmp, tsc, writeConsolePage } from './helpers.js';

const GUIDE = join(root, 'docs/getting-started.md');

interface Program {
  /** The line of its ```ts fence in the guide. */
  readonly line: number;
  readonly code: string;
  /** The ```text block right after it (its output), if there is one. */
  readonly output: string | null;
}

/** The guide's tsconfig blocks and programs (```ts blocks that import memdesc), each with the output block that follows it. */
function readGuide(): { configs: Record<string, unknown>[]; programs: Program[] } {
  const lines = readFileSync(GUIDE, 'utf8').split('\n');
  const blocks: { lang: string; line: number; body: string; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w+)\s*$/.exec(lines[i]!);
    if (m === null) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== '```') j++;
    blocks.push({ lang: m[1]!, line: i + 1, body: lines.slice(i + 1, j).join('\n'), end: j });
    i = j;
  }
  const configs = blocks.filter((b) => b.lang === 'json' && b.body.includes('"compilerOptions"')).map((b) => JSON.parse(b.body) as Record<string, unknown>);
  const programs: Program[] = [];
  blocks.forEach((b, k) => {
    if (b.lang !== 'ts' || !/from 'memdesc'/.test(b.body)) return;
    const next = blocks[k + 1];
    const adjacent = next !== undefined && next.lang === 'text' && lines.slice(b.end + 1, next.line - 1).every((l) => l.trim() === '');
    programs.push({ line: b.line, code: b.body, output: adjacent ? next.body : null });
  });
  return { configs, programs };
}

/**
 * Output as compared: trailing blanks dropped, and a page_owner stack — its frames' files and
 * positions differ from machine to machine, and a bundle (one file) shows memdesc's own frames
 * too, which page_owner tells apart by their path in the package — as one `<stack>` line.
 */
function normalise(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, '').replace(/^\s*(?:at\s+)?(?:\S+ \()?(?:file|https?):\/\/\S*?:\d+:\d+\)?$/, '<stack>'))
    .filter((l, i, all) => l !== '<stack>' || all[i - 1] !== '<stack>')
    .join('\n')
    .replace(/\n+$/, '');
}

const NETWORK = /E(?:NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|network|offline/i;

let project: string;
/** Why the project could not be installed (the registry is unreachable), or null. */
let unreachable: string | null = null;
const guide = readGuide();
const chromium = findChromium();
if (chromium === null) console.warn(NO_CHROMIUM);

beforeAll(() => {
  requireBuild();
  project = tmp('consumer');
  const pack = spawnSync('npm', ['pack', '--pack-destination', project, '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename;
  const typesNode = (JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'getting-started', private: true, type: 'module' }));
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', `./${tarball}`, `@types/node@${typesNode}`], { cwd: project, encoding: 'utf8' });
  if (install.status !== 0) {
    if (NETWORK.test(install.stderr)) unreachable = `the npm registry is unreachable (${install.stderr.split('\n').find((l) => NETWORK.test(l))?.trim()}): the consumer test is skipped`;
    else throw new Error(`npm install of the packed tarball failed:\n${install.stderr}`);
  }
  if (unreachable !== null) return void console.warn(unreachable);
  // The two configurations, exactly as the guide gives them, each with every program.
  for (const [name, config] of [['node', guide.configs[0]], ['browser', guide.configs[1]]] as const) {
    const dir = join(project, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
    guide.programs.forEach((p, i) => {
      mkdirSync(join(dir, `ex${i}`));
      writeFileSync(join(dir, `ex${i}`, 'main.ts'), p.code);
    });
  }
}, 120_000);

describe('docs/getting-started.md, from the packed tarball in a fresh project', () => {
  it('gives two configurations: Node with @types/node, a browser with DOM and no Node types', () => {
    expect(guide.configs).toHaveLength(2);
    const [node, browser] = guide.configs.map((c) => c['compilerOptions'] as Record<string, unknown>);
    expect(node).toMatchObject({ types: ['node'], lib: ['ES2022', 'ESNext.Disposable'], strict: true });
    expect(browser).toMatchObject({ types: [], lib: ['ES2022', 'DOM', 'ESNext.Disposable'], strict: true });
    for (const c of [node, browser]) expect(c!['skipLibCheck']).toBeUndefined(); // off, as the guide has it
    expect(guide.programs.length).toBeGreaterThanOrEqual(4);
    expect(guide.programs.filter((p) => p.output !== null).length).toBeGreaterThanOrEqual(3);
  });

  it('the tarball holds the LICENSE, the README, the guides and both entry points; the installed package has no source of this repository’s node_modules', (ctx) => {
    if (unreachable !== null) return ctx.skip();
    const pkg = join(project, 'node_modules/memdesc');
    for (const f of ['LICENSE', 'README.md', 'package.json', 'docs/getting-started.md', 'dist/index.js', 'dist/index.d.ts', 'dist/trace/index.js', 'dist/trace/index.d.ts', 'dist/cli/main.js']) expect(existsSync(join(pkg, f)), f).toBe(true);
    expect(readFileSync(join(pkg, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(existsSync(join(pkg, 'node_modules'))).toBe(false);
  });

  for (const config of ['node', 'browser'] as const) {
    // TypeScript 5.9 checks the same declaration files in entry-points.test.ts (skipLibCheck off).
    for (const { name, tsc: compiler } of COMPILERS.filter((c) => c.name !== 'TypeScript 5.9')) {
      it(`${config} configuration: every program compiles under ${name}`, (ctx) => {
        if (unreachable !== null) return ctx.skip();
        // TypeScript 6 emits (the programs run from its output); the others only check.
        const r = tsc(compiler, join(project, config), ...(name === 'TypeScript 6' ? [] : ['--noEmit']));
        expect(r.output).toBe('');
        expect(r.status).toBe(0);
      });
    }
  }

  it('node configuration: every program runs in Node and prints what the guide shows', (ctx) => {
    if (unreachable !== null) return ctx.skip();
    guide.programs.forEach((p, i) => {
      const js = join(project, 'node', `ex${i}`, 'main.js');
      expect(existsSync(js), `emitted ${js}`).toBe(true);
      const r = spawnSync(process.execPath, [js], { cwd: join(project, 'node', `ex${i}`), encoding: 'utf8' });
      expect(r.stderr, `getting-started.md:${p.line}`).toBe('');
      expect(r.status).toBe(0);
      if (p.output !== null) expect(normalise(r.stdout), `getting-started.md:${p.line}`).toBe(normalise(p.output));
    });
  });

  it.skipIf(chromium === null)('browser configuration: every program, bundled by esbuild, runs in headless Chromium and prints what the guide shows', async (ctx) => {
    if (unreachable !== null) return ctx.skip();
    for (const [i, p] of guide.programs.entries()) {
      const dir = join(project, 'browser', `ex${i}`);
      await bundleForBrowser(join(dir, 'main.js'), join(dir, 'bundle.js'));
      const out = printed(dumpDom(chromium!, writeConsolePage(dir, 'bundle.js')));
      expect(out, `getting-started.md:${p.line}`).not.toMatch(/UNCAUGHT|UNHANDLED/);
      if (p.output !== null) expect(normalise(out), `getting-started.md:${p.line}`).toBe(normalise(p.output));
    }
  });
});
