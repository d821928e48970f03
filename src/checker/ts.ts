/**
 * The TypeScript compiler API the checker runs on. A Program must be read with the enums of the
 * compiler that made it: the ESLint plugin may hold a Program made by typescript-eslint's own copy
 * of `typescript`, so the syntax-kind and flag enums the engine compares against are taken from
 * that copy ({@link useTypeScript}); node predicates (`ts.isIdentifier`) read `node.kind`, which
 * agrees between the TypeScript versions typescript-eslint supports.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

// Loaded with require(): importing the 9 MB CommonJS compiler from an ES module makes Node scan it
// for named exports first (cjs-module-lexer), a quarter of a second of every `memdesc check`.
const ts: typeof TS = createRequire(import.meta.url)('typescript') as typeof TS;
// The value and, under the same name, the compiler's namespace of types (`ts.Node`, `ts.Type`).
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace ts {
  export type Node = TS.Node;
  export type ArrayLiteralExpression = TS.ArrayLiteralExpression;
  export type AsExpression = TS.AsExpression;
  export type AwaitExpression = TS.AwaitExpression;
  export type BinaryExpression = TS.BinaryExpression;
  export type BindingName = TS.BindingName;
  export type Block = TS.Block;
  export type BreakOrContinueStatement = TS.BreakOrContinueStatement;
  export type CallExpression = TS.CallExpression;
  export type ClassLikeDeclaration = TS.ClassLikeDeclaration;
  export type CompilerOptions = TS.CompilerOptions;
  export type ConditionalExpression = TS.ConditionalExpression;
  export type ConditionalType = TS.ConditionalType;
  export type ConstructorDeclaration = TS.ConstructorDeclaration;
  export type Declaration = TS.Declaration;
  export type DeleteExpression = TS.DeleteExpression;
  export type ElementAccessExpression = TS.ElementAccessExpression;
  export type ExportAssignment = TS.ExportAssignment;
  export type Expression = TS.Expression;
  export type ExpressionStatement = TS.ExpressionStatement;
  export type ExpressionWithTypeArguments = TS.ExpressionWithTypeArguments;
  export type ForOfStatement = TS.ForOfStatement;
  export type ForStatement = TS.ForStatement;
  export type FunctionDeclaration = TS.FunctionDeclaration;
  export type FunctionLikeDeclaration = TS.FunctionLikeDeclaration;
  export type GetAccessorDeclaration = TS.GetAccessorDeclaration;
  export type Identifier = TS.Identifier;
  export type IfStatement = TS.IfStatement;
  export type IterationStatement = TS.IterationStatement;
  export type LabeledStatement = TS.LabeledStatement;
  export type MethodDeclaration = TS.MethodDeclaration;
  export type NewExpression = TS.NewExpression;
  export type NonNullExpression = TS.NonNullExpression;
  export type ObjectLiteralExpression = TS.ObjectLiteralExpression;
  export type ParameterDeclaration = TS.ParameterDeclaration;
  export type ParenthesizedExpression = TS.ParenthesizedExpression;
  export type PrefixUnaryExpression = TS.PrefixUnaryExpression;
  export type PostfixUnaryExpression = TS.PostfixUnaryExpression;
  export type Program = TS.Program;
  export type PropertyAccessExpression = TS.PropertyAccessExpression;
  export type ReturnStatement = TS.ReturnStatement;
  export type SignatureDeclaration = TS.SignatureDeclaration;
  export type SourceFile = TS.SourceFile;
  export type SpreadElement = TS.SpreadElement;
  export type Statement = TS.Statement;
  export type SwitchStatement = TS.SwitchStatement;
  export type Symbol = TS.Symbol;
  export type TemplateExpression = TS.TemplateExpression;
  export type ThrowStatement = TS.ThrowStatement;
  export type TryStatement = TS.TryStatement;
  export type Type = TS.Type;
  export type TypeChecker = TS.TypeChecker;
  export type TypeNode = TS.TypeNode;
  export type TypeOfExpression = TS.TypeOfExpression;
  export type TypeReference = TS.TypeReference;
  export type VariableDeclaration = TS.VariableDeclaration;
  export type VariableDeclarationList = TS.VariableDeclarationList;
  export type VariableStatement = TS.VariableStatement;
  export type WhileStatement = TS.WhileStatement;
  export type YieldExpression = TS.YieldExpression;
}
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
