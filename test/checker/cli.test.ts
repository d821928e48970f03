/**
 * `memdesc check` end to end, as a spawned process (the built dist/: `npm test` builds first):
 * the JSON shape, exit codes 0 / 1 / 2, a bad tsconfig, a missing path.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'dist/cli/main.js');
const dir = join(root, `test/checker/.cli-${process.pid}`);
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'check', ...args], { encoding: 'utf8', cwd: dir });

beforeAll(() => {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, noEmit: true, paths: { memdesc: [join(root, 'dist/index.d.ts')] } }, include: ['src'] }),
  );
  writeFileSync(
    join(dir, 'src/bad.ts'),
    `import { createMemory, allocPage, freePage, readRaw, GFP_KERNEL } from 'memdesc';
const mem = createMemory();
export function f(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  const q = p;
  freePage(p);
  readRaw(q, new Uint8Array(1), 0);
}
`,
  );
  writeFileSync(
    join(dir, 'src/good.ts'),
    `import { createMemory, allocPage, freePage, readRaw, GFP_KERNEL } from 'memdesc';
const mem = createMemory();
export function f(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  readRaw(p, new Uint8Array(1), 0);
  freePage(p);
}
`,
  );
  writeFileSync(join(dir, 'broken.json'), '{ "compilerOptions": { "strict": tru');
  writeFileSync(join(dir, 'notes.txt'), 'not TypeScript');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memdesc check', () => {
  it('--json prints exactly {"findings":[{file,line,column,rule,message}]} and exits 1 on findings', () => {
    const r = run('--json', 'src');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['findings']);
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(Object.keys(f)).toEqual(['file', 'line', 'column', 'rule', 'message']);
    expect(f).toMatchObject({ file: 'src/bad.ts', line: 7, column: 11, rule: 'memdesc/use-after-free' });
    expect(f.message).toContain("'q' was freed by freePage() at line 6");
  });

  it('exits 0 with a clean file, and prints a summary without --json', () => {
    const r = run('src/good.ts');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 file checked, no findings');
    const j = run('--json', 'src/good.ts');
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({ findings: [] });
  });

  it('prints file:line:column, the rule and the message per finding', () => {
    const r = run('src');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^src\/bad\.ts:7:11 {2}memdesc\/use-after-free {2}use after free: 'q'/m);
    expect(r.stdout).toContain('1 finding in 1 of 2 files');
  });

  it('exits 2 on a missing path', () => {
    const r = run('src/nope.ts');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('src/nope.ts: no such file or directory');
  });

  it('exits 2 on a bad or missing tsconfig', () => {
    const a = run('--tsconfig', 'broken.json', 'src');
    expect(a.status).toBe(2);
    expect(a.stderr).toContain('broken.json');
    const b = run('--tsconfig', 'missing.json', 'src');
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('--tsconfig missing.json: no such file');
  });

  it('exits 2 on a path that is not TypeScript', () => {
    const r = run('notes.txt');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a TypeScript file');
  });
});
