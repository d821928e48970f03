/**
 * docs/binder.md quotes the compiler's refusal sentences for each Binder design; every quoted
 * sentence must be a message the compilers give for type-tests/binder-designs.test-d.ts, in all
 * three snapshots (TypeScript 5.9, 6, 7), so the doc cannot drift from the types.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/binder.md'), 'utf8');
const section = doc.slice(doc.indexOf("## What each design's types refuse"), doc.indexOf('## The Rust designs'));

/** The messages of one snapshot's binder-designs entries, with TypeScript's \" escapes undone. */
function designMessages(compiler: string): string {
  const text = readFileSync(join(root, 'type-tests/__snapshots__', `typescript-${compiler}.txt`), 'utf8');
  const entries = text.split(/\n(?=\S+\.test-d\.ts:\d+ )/).filter((e) => e.startsWith('binder-designs.test-d.ts:'));
  return entries.join('\n').replaceAll('\\"', '"');
}

describe('docs/binder.md refusal table', () => {
  // The sentences are the code spans of 25+ characters with a colon and a space in them; code such as `getPage(memdescPage(slot, 0))` has none.
  const quoted = [...section.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((s) => s.length >= 25 && s.includes(": "));
  it('quotes sentences', () => {
    expect(section.length).toBeGreaterThan(500);
    expect(quoted.length).toBe(9);
  });
  for (const compiler of ['5.9', '6', '7']) {
    it(`every quoted sentence is a TypeScript ${compiler} message for binder-designs.test-d.ts`, () => {
      const messages = designMessages(compiler);
      for (const s of quoted) expect(messages, s).toContain(s);
    });
  }
});
