/**
 * The misuse shapes TypeScript's narrowing cannot follow, each flagged on its line, and each
 * correct twin clean (see cases.ts).
 */
import { describe, expect, it } from 'vitest';
import { CASES, type Case } from './cases.js';
import { analyse } from './harness.js';

function expected(c: Case): string[] {
  const [name, src] = Object.entries(c.files)[0]!;
  const out: string[] = [];
  src.split('\n').forEach((l, i) => {
    const m = /\/\/ <- ([a-z-]+)/.exec(l);
    if (m) out.push(`${name}:${i + 1} ${m[1]}`);
  });
  return out;
}

function actual(c: Case): { got: string[]; errors: string[] } {
  const r = analyse(c.files);
  const main = Object.keys(c.files)[0]!;
  return { got: [...new Set(r.findings.filter((f) => f.file === main).map((f) => `${f.file}:${f.line} ${f.rule.slice(8)}`))], errors: r.errors };
}

describe('the misuse shapes', () => {
  for (const { bad, good } of CASES) {
    it(`${bad.name}: flagged on its line`, () => {
      const { got, errors } = actual(bad);
      expect(errors).toEqual([]);
      expect(got).toEqual(expected(bad));
    });
    it(`${good.name}: clean`, () => {
      const { got, errors } = actual(good);
      expect(errors).toEqual([]);
      expect(got).toEqual([]);
    });
  }
});
