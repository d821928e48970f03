/**
 * Package hygiene: what `npm pack` ships (a LICENSE, the README and the guides it links to), the
 * package.json fields a registry shows, `memdesc --version`, and a lockfile that `npm install` on
 * a fresh clone leaves byte for byte unchanged.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, root, tmp } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; license: string };

/** The files `npm pack` would put in the tarball. */
function packed(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

/** GitHub's anchor for a Markdown heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** `[text](target)` links of a Markdown file, outside code blocks and code spans. */
function links(markdown: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) fence = !fence;
    if (fence) continue;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) out.push(m[1]!);
  }
  return out;
}

const anchors = (markdown: string) => new Set(markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));

let files: string[];
beforeAll(() => {
  requireBuild();
  files = packed();
});

describe('the tarball', () => {
  it('ships the LICENSE (MIT, as package.json says), the README, both entry points and the CLI', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/trace/index.js', 'dist/trace/index.d.ts', 'dist/cli/main.js']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('node_modules/') || f.startsWith('docs/api/'))).toEqual([]);
  });

  it('every relative link of the README, and of the guides it ships, points into the tarball (and at a heading that exists)', () => {
    const shipped = new Set(files);
    const md = files.filter((f) => f.endsWith('.md'));
    expect(md).toContain('docs/getting-started.md');
    const broken: string[] = [];
    for (const file of md) {
      for (const target of links(readFileSync(join(root, file), 'utf8'))) {
        if (/^[a-z]+:/.test(target)) continue; // absolute: https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : normalize(join(file, '..', path));
        if (!shipped.has(resolved)) broken.push(`${file}: ${target} (${resolved} is not in the tarball)`);
        else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(join(root, resolved), 'utf8')).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('package.json', () => {
  it('has repository, homepage and bugs, all under one placeholder URL (no hosting exists yet)', () => {
    const repo = pkg['repository'] as { type: string; url: string };
    expect(repo.type).toBe('git');
    const base = repo.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(base).toMatch(/^https:\/\/github\.com\/memdesc\/memdesc$/);
    expect(pkg['homepage']).toBe(`${base}#readme`);
    expect((pkg['bugs'] as { url: string }).url).toBe(`${base}/issues`);
  });
});

describe('memdesc --version', () => {
  it('prints the package version and exits 0', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), '--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('the lockfile', () => {
  const install = (dir: string, ...flags: string[]) => spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...flags], { cwd: dir, encoding: 'utf8' });

  it('npm install on a fresh clone (package.json and package-lock.json alone) leaves package-lock.json unchanged', () => {
    const dir = tmp('clone');
    for (const f of ['package.json', 'package-lock.json']) cpSync(join(root, f), join(dir, f));
    const r = install(dir);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  }, 180_000);

  it('the comparison can fail: a package.json that drifted from the lockfile (a dependency dropped) changes it', () => {
    const dir = tmp('clone-drift');
    cpSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
    const { 'fast-check': dropped, ...rest } = pkg['devDependencies'] as Record<string, string>;
    expect(dropped).toBeDefined();
    const drifted = { ...pkg, devDependencies: rest };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(drifted, null, 2));
    const r = install(dir, '--package-lock-only');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).not.toBe(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  }, 60_000);
});
