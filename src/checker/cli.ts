/**
 * `memdesc check [--json] [--tsconfig FILE] PATH...` — the checker without an ESLint setup: builds
 * a Program from the tsconfig (by default the nearest tsconfig.json above the first PATH, or the
 * current directory), checks the files under each PATH, prints the findings.
 *
 * Exit status: 0 clean, 1 findings, 2 bad input (a missing path, an unreadable or invalid
 * tsconfig, no TypeScript file to check).
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { ts } from './ts.js';
import { checkProgram } from './engine.js';
import type { Finding } from './rules.js';

/** What {@link runCheck} produced. */
export interface CheckRun {
  readonly code: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
  readonly findings: readonly Finding[];
}

/** Options of {@link runCheck}. */
export interface CheckRunOptions {
  readonly json?: boolean;
  readonly tsconfig?: string;
  readonly cwd?: string;
}

function bad(msg: string): CheckRun {
  return { code: 2, stdout: '', stderr: `memdesc check: ${msg}\n`, findings: [] };
}

const TS_FILE = /\.(ts|tsx|mts|cts)$/;

/** Runs the checker over `paths`, as the `memdesc check` command does. */
export function runCheck(paths: readonly string[], options: CheckRunOptions = {}): CheckRun {
  const cwd = options.cwd ?? process.cwd();
  const targets = (paths.length ? paths : ['.']).map((p) => resolve(cwd, p));
  for (const t of targets) if (!existsSync(t)) return bad(`${relative(cwd, t) || t}: no such file or directory`);
  let configFile: string | undefined;
  if (options.tsconfig !== undefined) {
    configFile = resolve(cwd, options.tsconfig);
    if (!existsSync(configFile) || !statSync(configFile).isFile()) return bad(`--tsconfig ${options.tsconfig}: no such file`);
  } else {
    const first = targets[0]!;
    const from = statSync(first).isDirectory() ? first : dirname(first);
    configFile = ts.findConfigFile(from, ts.sys.fileExists, 'tsconfig.json') ?? ts.findConfigFile(cwd, ts.sys.fileExists, 'tsconfig.json');
  }
  let fileNames: string[] = [];
  let compilerOptions: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true };
  if (configFile) {
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) return bad(`${relative(cwd, configFile)}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile), undefined, configFile);
    const fatal = parsed.errors.filter((e) => e.category === ts.DiagnosticCategory.Error && e.code !== 18003);
    if (fatal.length) return bad(`${relative(cwd, configFile)}: ${fatal.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('; ')}`);
    fileNames = parsed.fileNames;
    compilerOptions = parsed.options;
  }
  compilerOptions = { ...compilerOptions, noEmit: true };
  // The files each PATH selects: those of the project under it, and the path itself if it is a file.
  const inside = (f: string, t: string) => f === t || f.startsWith(t.endsWith(sep) ? t : t + sep);
  const selected = new Set<string>();
  const roots = new Set(fileNames.map((f) => resolve(f)));
  for (const t of targets) {
    if (statSync(t).isFile()) {
      if (!TS_FILE.test(t)) return bad(`${relative(cwd, t)}: not a TypeScript file`);
      selected.add(t);
      roots.add(t);
    } else {
      let any = false;
      for (const f of roots) if (inside(f, t) && TS_FILE.test(f) && !f.endsWith('.d.ts')) (selected.add(f), (any = true));
      if (!any && !configFile) {
        for (const f of ts.sys.readDirectory(t, ['.ts', '.tsx', '.mts', '.cts'], ['**/node_modules/**', '**/*.d.ts'])) {
          selected.add(resolve(f));
          roots.add(resolve(f));
          any = true;
        }
      }
      if (!any) return bad(`${relative(cwd, t) || '.'}: no TypeScript file of the project ${configFile ? `(${relative(cwd, configFile)})` : ''} under it`.trimEnd());
    }
  }
  const program = ts.createProgram({ rootNames: [...roots], options: compilerOptions });
  const files = program.getSourceFiles().filter((f) => selected.has(resolve(f.fileName)));
  const findings = checkProgram(program, files).map((f) => ({ ...f, file: relative(cwd, f.file).split(sep).join('/') }));
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  let stdout: string;
  if (options.json) stdout = `${JSON.stringify({ findings: findings.map((f) => ({ file: f.file, line: f.line, column: f.column, rule: f.rule, message: f.message })) })}\n`;
  else {
    stdout = findings.map((f) => `${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.message}\n`).join('');
    stdout += findings.length
      ? `\n${findings.length} finding${findings.length === 1 ? '' : 's'} in ${new Set(findings.map((f) => f.file)).size} of ${files.length} file${files.length === 1 ? '' : 's'}\n`
      : `memdesc check: ${files.length} file${files.length === 1 ? '' : 's'} checked, no findings\n`;
  }
  return { code: findings.length ? 1 : 0, stdout, stderr: '', findings };
}
