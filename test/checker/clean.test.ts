/**
 * Precision: the checker finds nothing in the project's own correct code — the examples and the
 * type tests (outside tsd's `expectError(…)` spans, which are refused code). The doc snippets are
 * checked by scripts/check-examples.mjs, which runs `memdesc check` over them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../src/checker/engine.js';
import { runCheck } from '../../src/checker/cli.js';

const root = resolve(import.meta.dirname, '../..');

/** Lines of each `expectError(…)` call of a tsd file. */
function expectErrorLines(sf: ts.SourceFile): number[] {
  const out: number[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'expectError') {
      const a = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
      const b = sf.getLineAndCharacterOfPosition(n.end).line + 1;
      for (let l = a; l <= b; l++) out.push(l);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('memdesc check on correct code', () => {
  it('finds nothing in examples/', () => {
    const r = runCheck(['examples'], { cwd: root });
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('finds nothing in the correct programs of test/checker/fixtures/', () => {
    const r = runCheck(['test/checker/fixtures'], { cwd: root, tsconfig: 'test/checker/fixtures/tsconfig.json' });
    expect(r.findings).toEqual([]);
    expect(r.stdout).toMatch(/[4-9] files checked, no findings/);
  });

  it('finds nothing in the type tests outside expectError(…)', () => {
    const cfgPath = join(root, 'type-tests/tsconfig.json');
    const cfg = ts.parseJsonConfigFileContent(JSON.parse(readFileSync(cfgPath, 'utf8')), ts.sys, join(root, 'type-tests'), undefined, cfgPath);
    const program = ts.createProgram({ rootNames: cfg.fileNames, options: { ...cfg.options, noEmit: true } });
    const files = program.getSourceFiles().filter((f) => f.fileName.startsWith(join(root, 'type-tests')));
    expect(files.length).toBeGreaterThan(5);
    const findings = checkProgram(program, files, { refusedLines: expectErrorLines });
    const outside = findings.filter((f) => {
      const sf = program.getSourceFile(f.file)!;
      return !expectErrorLines(sf).includes(f.line);
    });
    expect(outside).toEqual([]);
  });
});
