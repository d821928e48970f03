/**
 * Builds TypeScript programs from in-memory files that import 'memdesc' (the built declarations
 * in dist/, as a user's project sees them) and runs the checker over them.
 */
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { checkProgram } from '../../src/checker/engine.js';
import type { Finding } from '../../src/checker/rules.js';

const root = resolve(import.meta.dirname, '../..');
/** Where the virtual files live (inside the repository, so 'memdesc' resolves like a user's). */
export const VDIR = join(root, 'test/checker/.virtual');

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  paths: { memdesc: [join(root, 'dist/index.d.ts')] },
};

let old: ts.Program | undefined;

/** Type-checks and analyses files (name → source); returns findings by file name and type errors. */
export function analyse(files: Record<string, string>): { findings: Finding[]; errors: string[] } {
  const abs = new Map(Object.entries(files).map(([k, v]) => [join(VDIR, k), v]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = abs.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
    return getSourceFile(f, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => abs.has(f) || fileExists(f);
  const dirExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => d === VDIR || VDIR.startsWith(d) || (dirExists ? dirExists(d) : true);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => abs.get(f) ?? readFile(f);
  const program = ts.createProgram({ rootNames: [...abs.keys()], options, host, ...(old ? { oldProgram: old } : {}) });
  old = program;
  const mine = program.getSourceFiles().filter((f) => abs.has(f.fileName));
  const errors = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && abs.has(d.file.fileName))
    .map((d) => `${d.file!.fileName.slice(VDIR.length + 1)}:${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  const findings = checkProgram(program, mine).map((f) => ({ ...f, file: f.file.slice(VDIR.length + 1) }));
  return { findings, errors };
}

/** `file:line rule` of each finding, for compact assertions. */
export function brief(fs: Finding[]): string[] {
  return fs.map((f) => `${f.file}:${f.line} ${f.rule.slice('memdesc/'.length)}`);
}
