/**
 * `memdesc check` on a user's project after only `npm install memdesc`: the package is packed
 * (`npm pack`, the files a user gets), installed into a fresh consumer project outside this
 * repository (one `npm install`, from the local npm cache where it can), and run with `npx`: on a
 * misuse (exit 1, the finding) and on correct code (exit 0). TypeScript comes with memdesc (a
 * dependency); ESLint is not needed for the command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'memdesc-consumer-'));
const app = join(work, 'app');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

beforeAll(() => {
  execFileSync(npm, ['pack', '--pack-destination', work, '--silent'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { memdesc: `file:${join(work, tgz)}` } }));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'ESNext.Disposable'], noEmit: true, skipLibCheck: true }, include: ['src'] }),
  );
  writeFileSync(
    join(app, 'src/pool.ts'),
    `import { createMemory, allocPage, freePage, readRaw, GFP_KERNEL, type Owned, type Page, type Live } from 'memdesc';
export const mem = createMemory();
export function release(page: Owned<Page<0>> & Live): void {
  freePage(page);
}
export function peek(page: Owned<Page<0>> & Live): number {
  const out = new Uint8Array(1);
  readRaw(page, out, 0);
  return out[0]!;
}
export function fresh(): Owned<Page<0>> {
  return allocPage(mem, GFP_KERNEL)!;
}
`,
  );
  writeFileSync(join(app, 'src/bad.ts'), `import { fresh, peek, release } from './pool.js';\nexport function run(): number {\n  const p = fresh();\n  release(p);\n  return peek(p);\n}\n`);
  writeFileSync(join(app, 'src/good.ts'), `import { fresh, peek, release } from './pool.js';\nexport function run(): number {\n  const p = fresh();\n  const n = peek(p);\n  release(p);\n  return n;\n}\n`);
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const check = (...args: string[]) => spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', 'memdesc', 'check', ...args], { cwd: app, encoding: 'utf8' });

describe('memdesc check in a project that only installed memdesc', () => {
  it('reports the misuse across modules, with exit status 1', () => {
    const r = check('--json', 'src/bad.ts');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const { findings } = JSON.parse(r.stdout) as { findings: { file: string; line: number; rule: string; message: string }[] };
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: 'src/bad.ts', line: 5, rule: 'memdesc/use-after-free' });
    expect(findings[0]!.message).toContain('through helper release()');
  });

  it('finds nothing in correct code, with exit status 0', () => {
    const r = check('src/good.ts', 'src/pool.ts');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2 files checked, no findings');
  });
});
