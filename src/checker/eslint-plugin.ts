/**
 * `memdesc/eslint-plugin` — the ownership checker as a typescript-eslint plugin, so an editor shows
 * its findings as you type. It needs type information (typescript-eslint's `projectService` or
 * `project`), and reuses typescript-eslint's Program: the analysis is the one `memdesc check`
 * runs, once per file, reported rule by rule.
 *
 * ```js
 * // eslint.config.js
 * import tseslint from 'typescript-eslint';
 * import memdesc from 'memdesc/eslint-plugin';
 *
 * export default [
 *   ...tseslint.configs.recommended,
 *   { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
 *   memdesc.configs.recommended,
 * ];
 * ```
 *
 * The rules (all `error` in `configs.recommended`):
 *
 * | rule | what it reports | runtime code |
 * |---|---|---|
 * | `memdesc/use-after-free` | a handle used after it was freed, put or unlocked (through an alias, a helper, a field, a collection, a closure, an `await`) | `USE_AFTER_FREE` |
 * | `memdesc/double-free` | a second free or put of the same handle | `DOUBLE_FREE` |
 * | `memdesc/use-after-move` | a handle used after `intoShared` / `tryFromShared` moved it | `USE_AFTER_FREE` |
 * | `memdesc/leak` | an owned handle dropped on some path out of a function without being released, returned or stored | `LEAK` (`checkLeaks`) |
 * | `memdesc/sleep-in-atomic` | a call that may sleep reached inside a `withSpinLock` callback | `SLEEP_IN_ATOMIC` |
 * | `memdesc/free-while-mapped` | a free of the page a `withPageMapped` callback maps | `BAD_PAGE_STATE` |
 *
 * @module memdesc/eslint-plugin
 */
import { createRequire } from 'node:module';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { ts, useTypeScript } from './ts.js';
import { checkSourceFile } from './engine.js';
import { RULE_DESCRIPTIONS, RULE_IDS, type RuleId } from './rules.js';

// Read Programs with the enums of the TypeScript typescript-eslint parses with.
try {
  const req = createRequire(import.meta.url);
  const estree = req.resolve('@typescript-eslint/typescript-estree');
  useTypeScript(createRequire(estree)('typescript') as typeof ts);
} catch {
  // typescript-eslint not installed next to memdesc: use memdesc's own TypeScript.
}

export { RULE_IDS, RULE_DESCRIPTIONS, type RuleId } from './rules.js';

/** A rule of the plugin: reports the findings of one rule id. */
export type MemdescRule = TSESLint.RuleModule<'finding', []>;

/** The parser services typescript-eslint hands a rule (the part the plugin reads). */
interface Services {
  readonly program?: ts.Program | null;
  readonly esTreeNodeToTSNodeMap?: { get(node: TSESTree.Node): ts.Node };
}

function makeRule(id: RuleId): MemdescRule {
  return {
    meta: {
      type: 'problem',
      docs: { description: RULE_DESCRIPTIONS[id] },
      messages: { finding: '{{message}}' },
      schema: [],
    },
    defaultOptions: [],
    create(context) {
      const services = context.sourceCode.parserServices as Services | undefined;
      const program = services?.program;
      if (!program || !services.esTreeNodeToTSNodeMap) {
        throw new Error(
          `memdesc/${id} needs type information: set languageOptions.parserOptions.projectService (or project) for typescript-eslint's parser`,
        );
      }
      return {
        'Program:exit'(node: TSESTree.Program) {
          const sf = services.esTreeNodeToTSNodeMap!.get(node) as ts.SourceFile;
          if (!sf || !ts.isSourceFile(sf)) return;
          for (const f of checkSourceFile(program, sf, { eslintDirectives: false })) {
            if (f.rule !== `memdesc/${id}`) continue;
            context.report({ loc: { line: f.line, column: f.column - 1 }, messageId: 'finding', data: { message: f.message } });
          }
        },
      };
    },
  };
}

/** The plugin's rules, by id (without the `memdesc/` prefix). */
export const rules: Record<RuleId, MemdescRule> = Object.fromEntries(RULE_IDS.map((id) => [id, makeRule(id)])) as Record<RuleId, MemdescRule>;

/** The plugin object ESLint's flat config takes under `plugins`. */
export interface MemdescPlugin {
  /** The plugin's name (`memdesc`) and version, as ESLint's plugin metadata. */
  readonly meta: {
    /** `memdesc`. */
    readonly name: string;
    /** The package version. */
    readonly version: string;
  };
  /** Every rule, by id without the `memdesc/` prefix. */
  readonly rules: Record<RuleId, MemdescRule>;
  /** Ready-made flat configs. */
  readonly configs: {
    /** Every rule as an error, with the plugin registered as `memdesc` (a flat config object). */
    readonly recommended: TSESLint.FlatConfig.Config;
  };
}

/**
 * The ownership checker as an ESLint plugin — `rules` (six, one per {@link RuleId}) and
 * `configs.recommended` (every rule as an error, the plugin registered as `memdesc`). Needs
 * typescript-eslint's parser with type information.
 *
 * ```js
 * import memdesc from 'memdesc/eslint-plugin';
 * export default [...tseslint.configs.recommended, typeInfo, memdesc.configs.recommended];
 * ```
 */
const plugin: MemdescPlugin = {
  meta: { name: 'memdesc', version: '0.1.0' },
  rules,
  configs: { recommended: {} },
};
(plugin.configs as { recommended: TSESLint.FlatConfig.Config }).recommended = {
  name: 'memdesc/recommended',
  plugins: { memdesc: plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: Object.fromEntries(RULE_IDS.map((id) => [`memdesc/${id}`, 'error'])),
};

export default plugin;
