/**
 * The TypeScript compiler API the checker runs on. A Program must be read with the enums of the
 * compiler that made it: the ESLint plugin may hold a Program made by typescript-eslint's own copy
 * of `typescript`, so the syntax-kind and flag enums the engine compares against are taken from
 * that copy ({@link useTypeScript}); node predicates (`ts.isIdentifier`) read `node.kind`, which
 * agrees between the TypeScript versions typescript-eslint supports.
 *
 * @module
 */
import ts from 'typescript';

export { ts };
/** `ts.SyntaxKind` of the compiler that made the Program. */
export let SK: typeof ts.SyntaxKind = ts.SyntaxKind;
/** `ts.TypeFlags` of that compiler. */
export let TF: typeof ts.TypeFlags = ts.TypeFlags;
/** `ts.SymbolFlags` of that compiler. */
export let SF: typeof ts.SymbolFlags = ts.SymbolFlags;
/** `ts.NodeFlags` of that compiler. */
export let NF: typeof ts.NodeFlags = ts.NodeFlags;

/** Reads Programs made by another copy of the `typescript` module. */
export function useTypeScript(mod: typeof ts): void {
  SK = mod.SyntaxKind;
  TF = mod.TypeFlags;
  SF = mod.SymbolFlags;
  NF = mod.NodeFlags;
}
