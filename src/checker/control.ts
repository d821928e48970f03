/**
 * `switch` and `try`/`catch`/`finally`, for the abstract interpreter ({@link Analyzer}): a switch
 * on a tag field the path knows enters only its clause; a catch starts from the state before and
 * after the try and from each throw reached in it (a helper's included); the finally runs after the
 * try's end and after the catch apart.
 *
 * @module
 */
import { SK, TF, ts } from './ts.js';
import { join, V_UNKNOWN, type State } from './state.js';
import { constValue } from './loops.js';
import type { Analyzer, Target } from './interp.js';

export const controlMethods = {
  execSwitch(this: Analyzer, node: ts.SwitchStatement, s: State): State | null {
    let st: State;
    [, st] = this.evalExpr(node.expression, s);
    const t: Target = { kind: 'switch', node, breaks: [], continues: [] };
    this.top().targets.push(t);
    let fall: State | null = null;
    let hasDefault = false;
    // A discriminant the path knows (`result.status` of an object literal `{ status: 'collapsed' }`)
    // against constant labels: only the clause it matches is entered (or the default when none is).
    const frameIdx = this.frames.length - 1;
    // (A tag field only: a plain variable's constant, a loop's unrolled value, still meets every case.)
    const k = ts.isPropertyAccessExpression(node.expression) ? constValue(this, node.expression, 0, frameIdx, st) : null;
    const labels = node.caseBlock.clauses.map((c) => (ts.isCaseClause(c) ? constValue(this, c.expression, 0, frameIdx, st) : undefined));
    const decided = k !== null && labels.every((l) => l !== null);
    const matched = decided && labels.some((l) => l === k);
    for (const [ci, clause] of node.caseBlock.clauses.entries()) {
      let entry: State | null = st;
      if (ts.isCaseClause(clause)) entry = this.evalExpr(clause.expression, st)[1];
      else hasDefault = true;
      if (decided && (ts.isCaseClause(clause) ? labels[ci] !== k : matched)) entry = null;
      const start = join(entry, fall);
      fall = this.execStatements(clause.statements, start);
    }
    this.top().targets.pop();
    let out = fall;
    // No default: the switch is left with no case taken, unless its cases cover every value the
    // discriminant's type allows (a union of literals, each a case: TypeScript's exhaustive switch).
    if (!hasDefault && !this.exhaustive(node) && !matched) out = join(out, st);
    for (const b of t.breaks) out = join(out, b);
    return out;
  },

  /** Whether every value of a switch's discriminant type is one of its case labels. */
  exhaustive(this: Analyzer, node: ts.SwitchStatement): boolean {
    const t = this.checker.getTypeAtLocation(node.expression);
    const members = t.isUnion() ? t.types : [t];
    const unit = (m: ts.Type): string | null => {
      if (m.isStringLiteral()) return `s:${m.value}`;
      if (m.isNumberLiteral()) return `n:${m.value}`;
      if (m.flags & TF.BooleanLiteral) return `b:${this.checker.typeToString(m)}`;
      if (m.flags & TF.Undefined) return 'u';
      if (m.flags & TF.Null) return 'null';
      return null;
    };
    const need = new Set<string>();
    for (const m of members) {
      const k = unit(m);
      if (k === null) return false;
      need.add(k);
    }
    for (const c of node.caseBlock.clauses) {
      if (!ts.isCaseClause(c)) continue;
      const ct = this.checker.getTypeAtLocation(c.expression);
      for (const m of ct.isUnion() ? ct.types : [ct]) {
        const k = unit(m);
        if (k !== null) need.delete(k);
      }
    }
    return need.size === 0;
  },

  /** Whether a try block holds a call, a `new`, an `await` or a `throw`, so its catch clause can be reached. */
  mayThrow(this: Analyzer, block: ts.Block): boolean {
    const visit = (n: ts.Node): boolean => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isThrowStatement(n) || ts.isAwaitExpression(n)) return true;
      if (ts.isFunctionLike(n)) return false;
      return ts.forEachChild(n, visit) ?? false;
    };
    return visit(block);
  },

  execTry(this: Analyzer, node: ts.TryStatement, s: State): State | null {
    const frame = this.top();
    const fin: Target | null = node.finallyBlock ? { kind: 'finally', node, breaks: [], continues: [], block: node.finallyBlock } : null;
    if (fin) frame.targets.push(fin);
    const cat: Target | null = node.catchClause ? { kind: 'catch', node, breaks: [], continues: [], throws: [] } : null;
    if (cat) frame.targets.push(cat);
    let out = this.execBlock(node.tryBlock, s);
    let caught: State | null = null;
    if (cat) {
      frame.targets.pop();
      // Anything in the try may have thrown: the catch starts from what held before it, after it,
      // or at a throw.
      let entry: State | null = join(s, out);
      for (const t of cat.throws ?? []) entry = join(entry, t);
      const c = node.catchClause!;
      if (entry && c.variableDeclaration) entry = this.bindPattern(c.variableDeclaration.name, V_UNKNOWN, entry, false);
      caught = entry ? this.execBlock(c.block, entry) : null;
    }
    if (!fin) return join(out, caught);
    frame.targets.pop();
    // The finally runs after the try's own end and after the catch apart, when the try holds a call
    // that can throw (so the catch is reached): `catch { detach(att) } finally { detach(att) }`
    // puts twice on the path that threw, where the joined state only said "put on some path".
    if (caught && out && this.mayThrow(node.tryBlock)) {
      return join(this.execBlock(node.finallyBlock!, out), this.execBlock(node.finallyBlock!, caught));
    }
    out = join(out, caught);
    return out ? this.execBlock(node.finallyBlock!, out) : null;
  },
};

/** The switch and try methods {@link Analyzer} has. */
export type ControlMethods = typeof controlMethods;
