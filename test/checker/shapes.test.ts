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

// Every case in one Program (their file names differ; shared helper modules are identical).
let all: ReturnType<typeof analyse> | null = null;
function actual(c: Case): { got: string[]; errors: string[] } {
  all ??= analyse(Object.assign({}, ...CASES.flatMap(({ bad, good }) => [bad.files, good.files])) as Record<string, string>);
  const main = Object.keys(c.files)[0]!;
  return {
    got: [...new Set(all.findings.filter((f) => f.file === main).map((f) => `${f.file}:${f.line} ${f.rule.slice(8)}`))],
    errors: all.errors.filter((e) => e.startsWith(`${main}:`)),
  };
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
