/**
 * Statements, for the abstract interpreter ({@link Analyzer}): blocks with paths kept apart on flag
 * conditions, `if`, loops (to a fixpoint, or run exactly: loops.ts; `switch` and `try` are in
 * control.ts), `using` scopes, jumps, declarations and destructuring.
 *
 * @module
 */
import { NF, SK, TF, ts } from './ts.js';
import { resolveAlias, roleOf, type ConsumeKind } from './api.js';
import { join, sameState, State, union, UNKNOWN, V_NONE, V_NULL, V_UNKNOWN, type Fact, type Val } from './state.js';
import { invoke } from './calls.js';
import { bodyMayGrow, canUnroll, constValue, countedLoop, exactEntries, varConstKey, writtenSymbols, execConstForOf, execCounted, execDecided, execExactForOf, literalList } from './loops.js';
import { firstConditional, mapKeysCall, shortText, MAX_ITER, MAX_PATHS, stripCall, stripNot, symId, type Analyzer, type Target } from './interp.js';

/** The fact that marks paths split by a branch that freed a handle on one side only. */
const SPLIT = '#split';

function forgetWrittenConsts(an: Analyzer, loop: ts.Node, s: State): State {
  if (s.facts.size === 0) return s;
  for (const sym of writtenSymbols(an, loop)) s = s.withFact(varConstKey(sym), null);
  return s;
}

function unsplit(s: State): State {
  return s.facts.has(SPLIT) ? s.withFact(SPLIT, null) : s;
}

export const stmtMethods = {
  /**
   * Runs statements, keeping the paths of a branch on a plain condition apart (a variable, a
   * comparison of variables and literals: `if (shared)`, `c ? a : b`) until the block ends, so a
   * later test of the same condition takes the same branch, and a handle freed on one of the paths
   * is dead on it. At most {@link MAX_PATHS} paths; more are joined.
   */
  execStatements(this: Analyzer, stmts: readonly ts.Statement[], s: State | null): State | null {
    let paths: State[] = s ? [s] : [];
    for (const st of stmts) {
      // Paths split by a branch that freed a handle on one side only go on apart through plain
      // statements (a free or a use there is on that path for certain); before anything that
      // branches or exits they are joined, as a condition there may follow the first one.
      if (paths.length > 1 && paths.some((p) => p.facts.has(SPLIT)) && !this.plainStatement(st)) paths = [unsplit(paths.reduce((a, b) => join(a, b)!))];
      const next: State[] = [];
      for (const p of paths) next.push(...this.execSplit(st, p));
      paths = next.length > MAX_PATHS ? [next.reduce((a, b) => join(a, b)!)] : next;
      if (paths.length === 0) return null;
    }
    return paths.length ? unsplit(paths.reduce((a, b) => join(a, b)!)) : null;
  },

  /** A statement that neither branches nor exits nor makes a closure: an expression or declaration of calls and reads. */
  plainStatement(this: Analyzer, st: ts.Statement): boolean {
    if (!ts.isExpressionStatement(st) && !ts.isVariableStatement(st)) return false;
    let plain = true;
    const visit = (n: ts.Node): void => {
      if (!plain) return;
      if (ts.isConditionalExpression(n) || ts.isFunctionLike(n) || ts.isAwaitExpression(n) || ts.isYieldExpression(n)) plain = false;
      else if (ts.isBinaryExpression(n) && [SK.AmpersandAmpersandToken, SK.BarBarToken, SK.QuestionQuestionToken, SK.AmpersandAmpersandEqualsToken, SK.BarBarEqualsToken, SK.QuestionQuestionEqualsToken].includes(n.operatorToken.kind)) plain = false;
      else if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)) && n.questionDotToken) plain = false;
      else ts.forEachChild(n, visit);
    };
    visit(st);
    return plain;
  },

  execSplit(this: Analyzer, st: ts.Statement, p: State): State[] {
    if (ts.isIfStatement(st) && this.factKey(stripNot(st.expression))) {
      const [a, b] = this.ifSides(st, p);
      return [a, b].filter((x): x is State => x !== null);
    }
    // `if (!verify(…)) release(e);`: when one side freed a handle the other did not, the two go
    // on apart (marked, so the next branching statement joins them).
    if (ts.isIfStatement(st)) {
      const [a, b] = this.ifSides(st, p);
      if (a && b && this.consumedApart(a, b)) return [a.withFact(SPLIT, true), b.withFact(SPLIT, true)];
      const j = join(a, b);
      return j ? [j] : [];
    }
    // `const fresh = dev.setup === null` (or `!x`, `x !== undefined`): the paths split on the test,
    // `fresh` a known flag on each, with the fact on the tested flag or field, so a later
    // `x ?? alloc()` and `if (fresh) free(...)` decide together.
    const flag = this.flagTest(st);
    if (flag) {
      const [t, f] = this.evalCond(flag.init, p);
      const out: State[] = [];
      for (const [side, start] of [
        [true, t],
        [false, f],
      ] as const) {
        if (!start) continue;
        let r = this.exec(st, start);
        if (!r) continue;
        r = r.withFact(flag.name, side);
        // The tested operand: null on the side the test says so; non-null (so truthy, when it can
        // only be an object) on the other.
        if (flag.operand) {
          const isNull = side === flag.nullWhen;
          if (isNull) r = r.withFact(flag.operand, false);
          else if (flag.objectOnly) r = r.withFact(flag.operand, true);
        }
        out.push(r);
      }
      return out;
    }
    // `const e = helper(…)` where the helper returns null on some exits and an object on the
    // others: two paths, `e` null on one and that object on the other, each with its exits' state.
    const call = this.splitCall(st);
    if (call) {
      this.splitExits.delete(call.call);
      this.failedExits.delete(call.call);
      const saved = this.splitWanted;
      this.splitWanted = call.call;
      let r: State | null;
      try {
        r = this.exec(st, p);
      } finally {
        this.splitWanted = saved;
      }
      const sp = this.splitExits.get(call.call);
      this.splitExits.delete(call.call);
      // `const moved = migrate(…)` where the helper returns one constant only when an allocation
      // failed (`return false` there, `return true` on every other exit): two paths, the variable
      // known on each, so `if (!moved)` meets the handles as that exit left them.
      const fe = !sp && r ? this.failedExits.get(call.call) : undefined;
      this.failedExits.delete(call.call);
      if (fe && r && ts.isVariableStatement(st) && st.declarationList.flags & NF.Const) {
        const key = varConstKey(call.sym);
        return [r.withFact(key, !fe.truthy), fe.state.setVar(call.sym, r.val(call.sym) ?? V_UNKNOWN).withFact(key, fe.truthy)];
      }
      if (!r || !sp) return r ? [r] : [];
      return sp.map((x) => x.state.setVar(call.sym, x.ret));
    }
    if (ts.isExpressionStatement(st) || ts.isVariableStatement(st) || ts.isReturnStatement(st)) {
      const c = firstConditional(st);
      const cond = c && (ts.isConditionalExpression(c) ? c.condition : (c as unknown as ts.BinaryExpression).left);
      if (c && cond && !this.forced.has(c) && this.factKey(stripNot(cond))) {
        // `a ?? b` splits on `a` being null: the left side non-null, or the right side.
        const [t, f] = ts.isConditionalExpression(c) ? this.evalCond(cond, p) : this.evalCond(cond, p);
        const out: State[] = [];
        for (const [side, start] of [
          [true, t],
          [false, f],
        ] as const) {
          if (!start) continue;
          this.forced.set(c, side);
          try {
            const r = this.exec(st, start);
            if (r) out.push(r);
          } finally {
            this.forced.delete(c);
          }
        }
        return out;
      }
    }
    const r = this.exec(st, p);
    return r ? [r] : [];
  },

  /** Whether a handle is freed on every path of one state and not consumed at all in the other. */
  consumedApart(this: Analyzer, a: State, b: State): boolean {
    for (const [id, sa] of a.atoms) {
      if (this.info(id).kind !== 'ref') continue;
      const sb = b.atoms.get(id);
      if (!sb || sa.esc || sb.esc) continue;
      if ((sa.cons?.must && !sb.cons) || (sb.cons?.must && !sa.cons)) return true;
    }
    return false;
  },

  /** `const x = f(…)` (or `let`), one declaration of a plain name: the call and the variable. */
  splitCall(this: Analyzer, st: ts.Statement): { call: ts.CallExpression; sym: ts.Symbol } | null {
    if (!ts.isVariableStatement(st) || st.declarationList.declarations.length !== 1) return null;
    const d = st.declarationList.declarations[0]!;
    if (!ts.isIdentifier(d.name) || !d.initializer) return null;
    let init: ts.Expression = d.initializer;
    while (ts.isParenthesizedExpression(init)) init = init.expression;
    if (!ts.isCallExpression(init)) return null;
    const sym = this.checker.getSymbolAtLocation(d.name);
    return sym ? { call: init, sym } : null;
  },

  /**
   * `const name = test` where test is a flag (`!x`, `!!x`) or a null test of one (`x === null`,
   * `x != undefined`), x a variable or field path: what the paths split on.
   */
  flagTest(this: Analyzer, st: ts.Statement): { name: string; init: ts.Expression; operand: string | null; nullWhen: boolean; objectOnly: boolean } | null {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const) || st.declarationList.declarations.length !== 1) return null;
    const d = st.declarationList.declarations[0]!;
    if (!ts.isIdentifier(d.name) || !d.initializer) return null;
    let init: ts.Expression = d.initializer;
    while (ts.isParenthesizedExpression(init)) init = init.expression;
    const name = d.name.text;
    if (ts.isPrefixUnaryExpression(init) && init.operator === SK.ExclamationToken) {
      return this.factKey(stripNot(init)) ? { name, init, operand: null, nullWhen: false, objectOnly: false } : null;
    }
    if (!ts.isBinaryExpression(init)) return null;
    const op = init.operatorToken.kind;
    const eq = op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken;
    const ne = op === SK.ExclamationEqualsEqualsToken || op === SK.ExclamationEqualsToken;
    if (!eq && !ne) return null;
    const isNullLit = (x: ts.Expression) => x.kind === SK.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
    const other = isNullLit(init.right) ? init.left : isNullLit(init.left) ? init.right : null;
    if (!other) return null;
    const operand = this.factKey(other);
    if (!operand) return null;
    // `=== null` misses undefined (and `=== undefined` misses null) unless the type has only the one.
    const t = this.checker.getTypeAtLocation(other);
    const parts = t.isUnion() ? t.types : [t];
    const strict = op === SK.EqualsEqualsEqualsToken || op === SK.ExclamationEqualsEqualsToken;
    const hasNull = parts.some((x) => x.flags & ts.TypeFlags.Null);
    const hasUndef = parts.some((x) => x.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void));
    const tested = (init.right.kind === SK.NullKeyword || init.left.kind === SK.NullKeyword) ? 'null' : 'undefined';
    const exact = !strict || (tested === 'null' ? !hasUndef : !hasNull);
    const objectOnly = exact && parts.every((x) => x.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void) || (x.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0);
    // Without an exact null test the operand's fact is not told; the flag is still known.
    return { name, init, operand: exact ? operand : null, nullWhen: eq, objectOnly };
  },

  /** A key for a condition made of variables, fields, literals and comparisons; null for anything else. */
  factKey(this: Analyzer, e: ts.Expression): string | null {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const ok = (n: ts.Node): boolean => {
      if (ts.isIdentifier(n) || ts.isNumericLiteral(n) || ts.isStringLiteral(n) || n.kind === SK.NullKeyword || n.kind === SK.TrueKeyword || n.kind === SK.FalseKeyword || n.kind === SK.ThisKeyword) return true;
      if (ts.isPropertyAccessExpression(n)) return ok(n.expression);
      if (ts.isParenthesizedExpression(n)) return ok(n.expression);
      return false;
    };
    // Only flags (a variable, a field): a comparison's outcome is data the checker does not know,
    // and two comparisons may agree or not; those paths are joined.
    if (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken) return null;
    return ok(e) ? e.getText().replace(/\s+/g, ' ') : null;
  },

  /**
   * `return ok` where this path has tested the boolean `ok` (`if (!ok) image.freeAll()` before
   * it): the constant this exit returns, as litOf names it.
   */
  returnedFlag(this: Analyzer, e: ts.Expression | undefined, s: State): { lit?: string } {
    if (!e) return {};
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return {};
    const k = this.factKey(e);
    const f = k ? s.facts.get(k) : undefined;
    if (typeof f !== 'boolean' || (this.checker.getTypeAtLocation(e).flags & (TF.Boolean | TF.BooleanLiteral)) === 0) return {};
    return { lit: f ? 'true' : 'false' };
  },

  /** A variable or field changed: conditions that mention it are no longer known. */
  forgetFacts(this: Analyzer, s: State, name: string): State {
    if (s.facts.size === 0) return s;
    // The name as a whole word (`#page`, `$x` included).
    const re = new RegExp(`(?<![\\w$#])${name.replace(/[$#]/g, (c) => `\\${c}`)}(?![\\w$])`);
    // (Constants kept by symbol or object, `#v:`/`#f:`, are not conditions on the name.)
    for (const k of s.facts.keys()) if (!k.startsWith('#') && re.test(k)) s = s.withFact(k, null);
    return s;
  },

  exec(this: Analyzer, node: ts.Statement, s: State): State | null {
    switch (node.kind) {
      case SK.Block:
        return this.execBlock(node as ts.Block, s);
      case SK.VariableStatement:
        return this.execVarList((node as ts.VariableStatement).declarationList, s, node);
      case SK.ExpressionStatement: {
        const e = (node as ts.ExpressionStatement).expression;
        const call = stripCall(e);
        if (call) this.noReturn.delete(call);
        const [v, s2] = this.evalExpr(e, s);
        // A call that never returns (every path of it throws, or it is typed `never`): the path
        // ends here; a catch around it starts from what the call was given, unknown.
        if (call && (this.noReturn.has(call) || this.returnsNever(call))) {
          const c = this.innermost('catch');
          if (c) {
            let st = s2;
            for (const a of call.arguments) if (ts.isIdentifier(a) || ts.isPropertyAccessExpression(a)) st = this.escape(this.evalExpr(a, st)[0], st);
            (c.throws ??= []).push(st);
          }
          return null;
        }
        // A fresh handle made and dropped on the spot. Not inside a try with a catch: a call
        // there may be expected to throw (with what input, the checker cannot tell).
        if (this.innermost('catch')) return s2;
        return this.dropped(v, s2, e, 'its value is discarded here');
      }
      case SK.IfStatement: {
        const n = node as ts.IfStatement;
        const [a, b] = this.ifSides(n, s);
        return join(a, b);
      }
      case SK.ReturnStatement: {
        const n = node as ts.ReturnStatement;
        let v: Val = V_NULL;
        let st0 = s;
        if (n.expression) {
          // Returning a freed handle is not itself a use at run time: the caller's use of it is
          // (reported where the caller uses it). A function returning what it allocated and
          // freed itself is reported at the return.
          [v, st0] = this.evalExpr(n.expression, s);
          if (this.frames.length === 1 && v.some((a) => a > UNKNOWN) && v.every((a) => a <= UNKNOWN || (this.info(a).fresh && !this.info(a).symbolic))) this.use(v, st0, n.expression, 'is returned here');
        }
        const st = this.throughFinally(st0, 0);
        if (st) this.top().returns.push({ state: st, val: v, line: this.line(node), ...(n.expression ? { node: n.expression } : {}), ...this.returnedFlag(n.expression, st) });
        return null;
      }
      case SK.ThrowStatement: {
        const n = node as ts.ThrowStatement;
        const [, st] = this.evalExpr(n.expression, s);
        const c = this.innermost('catch');
        if (c) (c.throws ??= []).push(st);
        // In a helper, with no catch or finally of its own around it: the caller's catch may take it.
        else if (this.frames.length > 1 && !this.top().targets.some((t) => t.kind === 'finally')) this.top().thrown.push(st);
        return null;
      }
      case SK.BreakStatement:
      case SK.ContinueStatement: {
        const n = node as ts.BreakOrContinueStatement;
        const brk = node.kind === SK.BreakStatement;
        const ts_ = this.top().targets;
        for (let i = ts_.length - 1; i >= 0; i--) {
          const t = ts_[i]!;
          const match = n.label ? t.kind === 'label' && t.label === n.label.text : brk ? t.kind === 'loop' || t.kind === 'switch' : t.kind === 'loop';
          if (match) {
            // Leaving a loop body (continue, or break out of it): its variables die here.
            let s0 = s;
            for (let k = ts_.length - 1; k >= i; k--) {
              const x = ts_[k]!;
              if (x.kind === 'loop' && x.localsStart !== undefined && (k > i || !brk || x.kind === 'loop')) s0 = this.scopeEnd(s0, this.top().locals.slice(x.localsStart), node);
            }
            const st = this.throughFinally(s0, i + 1);
            if (st) {
              if (n.label && !brk) {
                // `continue label`: the loop right inside the label.
                const loop = ts_[i + 1];
                if (loop?.kind === 'loop') loop.continues.push(st);
              } else if (brk) t.breaks.push(st);
              else t.continues.push(st);
            }
            return null;
          }
        }
        return null;
      }
      case SK.ForStatement:
      case SK.ForOfStatement:
      case SK.ForInStatement:
      case SK.WhileStatement:
      case SK.DoStatement:
        return this.execLoop(node as ts.IterationStatement, s, undefined);
      case SK.LabeledStatement: {
        const n = node as ts.LabeledStatement;
        const t: Target = { kind: 'label', label: n.label.text, node, breaks: [], continues: [] };
        this.top().targets.push(t);
        const out = ts.isIterationStatement(n.statement, false) ? this.execLoop(n.statement, s, undefined) : this.exec(n.statement, s);
        this.top().targets.pop();
        return t.breaks.reduce<State | null>((a, b) => join(a, b), out);
      }
      case SK.SwitchStatement:
        return this.execSwitch(node as ts.SwitchStatement, s);
      case SK.TryStatement:
        return this.execTry(node as ts.TryStatement, s);
      case SK.FunctionDeclaration:
      case SK.ClassDeclaration:
      case SK.InterfaceDeclaration:
      case SK.TypeAliasDeclaration:
      case SK.EnumDeclaration:
      case SK.ModuleDeclaration:
      case SK.ImportDeclaration:
      case SK.ImportEqualsDeclaration:
      case SK.ExportDeclaration:
      case SK.EmptyStatement:
      case SK.DebuggerStatement:
        return s;
      case SK.ExportAssignment: {
        const [v, st] = this.evalExpr((node as ts.ExportAssignment).expression, s);
        return this.escape(v, st);
      }
      default:
        return s;
    }
  },

  /** Whether a call's resolved return type is `never` (`process.exit()`, a `fail(): never` helper). */
  returnsNever(this: Analyzer, call: ts.CallExpression): boolean {
    // By the declaration's written return type (cheap: no signature resolution).
    let callee: ts.Node = call.expression;
    if (ts.isPropertyAccessExpression(callee)) callee = callee.name;
    const sym0 = this.checker.getSymbolAtLocation(callee);
    const sym = sym0 && resolveAlias(this.checker, sym0);
    return !!sym?.declarations?.some((d) => ts.isFunctionLike(d) && d.type?.kind === SK.NeverKeyword);
  },

  innermost(this: Analyzer, kind: Target['kind']): Target | undefined {
    const t = this.top().targets;
    for (let i = t.length - 1; i >= 0; i--) if (t[i]!.kind === kind) return t[i];
    return undefined;
  },

  /** A jump leaving targets[from..]: the finally blocks and `using` scopes in between run first. */
  throughFinally(this: Analyzer, s: State, from: number): State | null {
    const t = this.top().targets;
    let st: State | null = s;
    for (let i = t.length - 1; i >= from && st; i--) {
      const x = t[i]!;
      if (x.kind === 'finally' && x.block) {
        // Run the finally with this target (and those inside it) out of the way.
        const saved = t.splice(i);
        st = this.execBlock(x.block, st);
        t.push(...saved);
      }
      if (x.usings) st = st && this.disposeUsings(x.usings, st, x.node);
    }
    return st;
  },

  /** The end of a `using` scope: what is still live is freed, put or unlocked; what was consumed by hand is left alone. */
  disposeUsings(this: Analyzer, us: { sym: ts.Symbol; line: number; kind: ConsumeKind; decl: ts.VariableDeclaration }[], s: State, node: ts.Node): State {
    for (let i = us.length - 1; i >= 0; i--) {
      const v = s.val(us[i]!.sym);
      if (!v) continue;
      // Your own Disposable (a class with [Symbol.dispose]()): its dispose method runs.
      const objs = v.filter((a) => a > UNKNOWN && this.info(a).kind === 'obj');
      if (objs.length) {
        const m = this.disposeMethod(us[i]!.decl);
        s = m ? invoke(this, m, [], [], objs, s, node)[1] : this.escape(objs, s);
      }
      const live = v.filter((a) => a > UNKNOWN && this.info(a).kind === 'ref' && !s.atom(a).cons?.must && !s.atom(a).esc);
      if (live.length === 0) continue;
      const mute = this.mute;
      this.mute = 1;
      const after = this.consume(live, s, us[i]!.kind, 'Symbol.dispose', node, node);
      this.mute = mute;
      // Where it was consumed by hand on some paths, it is consumed on all of them now.
      s = after;
      for (const a of live) {
        const c = s.atom(a).cons;
        if (c && !c.must) s = s.update(a, { cons: { ...c, must: true } });
      }
    }
    return s;
  },

  /** The `[Symbol.dispose]()` method (with a body) of a `using` variable's type, if any. */
  disposeMethod(this: Analyzer, d: ts.VariableDeclaration): ts.MethodDeclaration | null {
    const t = this.checker.getTypeAtLocation(d.name);
    const prop = t.getProperties().find((p) => String(p.escapedName).startsWith('__@dispose@'));
    const decl = prop?.declarations?.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && !!x.body);
    return decl && !decl.getSourceFile().isDeclarationFile ? decl : null;
  },

  execBlock(this: Analyzer, b: ts.Block, s: State): State | null {
    const hasUsing = b.statements.some((st) => ts.isVariableStatement(st) && (st.declarationList.flags & NF.Using) !== 0);
    if (!hasUsing) return this.execStatements(b.statements, s);
    // A `using` scope: a target so jumps out of it dispose what it declared.
    const t: Target = { kind: 'label', label: '\0using', node: b, breaks: [], continues: [], usings: [] };
    this.top().targets.push(t);
    let out = this.execStatements(b.statements, s);
    this.top().targets.pop();
    if (out) out = this.disposeUsings(t.usings!, out, b.getLastToken() ?? b);
    return out;
  },

  /**
   * The state at the end of each side of an `if` (null: a side not taken, or that does not go on).
   * An `if` that is the last statement of a loop body: the body's variables die right after it, on
   * each side apart (`if (q.enqueue(page)) done++;` drops the page the false side still owns,
   * where the joined state would only say it was stored on some path).
   */
  ifSides(this: Analyzer, n: ts.IfStatement, s: State): [State | null, State | null] {
    const [t, f] = this.evalCond(n.expression, s);
    const a = t ? this.exec(n.thenStatement, t) : null;
    const b = n.elseStatement ? (f ? this.exec(n.elseStatement, f) : null) : f;
    const loop = a && b ? this.loopBodyEnd(n) : null;
    if (a && b && loop?.localsStart !== undefined) {
      const dying = this.top().locals.slice(loop.localsStart);
      this.scopeEnd(a, dying, null);
      this.scopeEnd(b, dying, null);
    }
    return [a, b];
  },

  /** The loop whose body `n` ends (the body itself, or its block's last statement), if it is the innermost target. */
  loopBodyEnd(this: Analyzer, n: ts.Statement): Target | null {
    let body: ts.Node = n;
    if (ts.isBlock(n.parent) && n.parent.statements[n.parent.statements.length - 1] === n) body = n.parent;
    const loop = body.parent;
    if (!loop || !ts.isIterationStatement(loop, false) || loop.statement !== body) return null;
    const targets = this.top().targets;
    const t = targets[targets.length - 1];
    return t && t.kind === 'loop' && t.node === loop ? t : null;
  },

  execVarList(this: Analyzer, list: ts.VariableDeclarationList, s: State, node: ts.Node): State | null {
    const using = (list.flags & NF.Using) !== 0;
    for (const d of list.declarations) {
      let v: Val = V_NULL;
      if (d.initializer) [v, s] = this.evalExpr(d.initializer, s);
      const made = s;
      if (ts.isIdentifier(d.name)) this.nameAtoms(v, d.name.text, s);
      s = this.bindPattern(d.name, v, s, false, node);
      if (ts.isIdentifier(d.name)) {
        let k: Fact | null = d.initializer ? constValue(this, d.initializer, 0, this.frames.length - 1, s) : null;
        // `const kept = withSpinLock(…)`: what a followed call returned on every path.
        if (k === null && d.initializer && (list.flags & NF.Const) !== 0) k = this.callResult(d.initializer, made);
        s = this.setConst(d.name, k, this.literalFact(d.name, d.initializer, s));
      }
      if (using && ts.isIdentifier(d.name)) {
        const sym = this.checker.getSymbolAtLocation(d.name);
        const scope = [...this.top().targets].reverse().find((t) => t.usings);
        const role = d.initializer ? roleOf(this.checker, this.checker.getTypeAtLocation(d.initializer)) : '';
        const kind: ConsumeKind = role === 'ARef' ? 'put' : role === 'Locked' ? 'unlock' : 'free';
        if (sym && scope) scope.usings!.push({ sym, line: this.line(d), kind, decl: d });
        else if (sym) s = this.escape(v, s);
      }
    }
    return s;
  },

  /** Gives fresh atoms the name of the variable they are first bound to. */
  nameAtoms(this: Analyzer, v: Val, name: string, s: State): void {
    void s;
    for (const a of v) {
      const inf = this.info(a);
      if (a > UNKNOWN && inf.kind === 'ref' && !inf.symbolic && inf.name === '') inf.name = name;
    }
  },

  /** Binds a declaration name or pattern to a value. */
  bindPattern(this: Analyzer, name: ts.BindingName, v: Val, s: State, param: boolean, _node?: ts.Node): State {
    if (ts.isIdentifier(name)) {
      const sym = this.checker.getSymbolAtLocation(name);
      if (!sym) return s;
      this.top().locals.push(sym);
      // A new binding (another call, another iteration): what was known of the old one is not.
      s = this.forgetFacts(this.forgetKeys(sym, s), name.text);
      return s.setVar(sym, v);
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          s = this.bindPattern(el.name, V_UNKNOWN, s, param);
          continue;
        }
        const prop = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
        const key = prop && (ts.isIdentifier(prop) || ts.isStringLiteral(prop)) ? prop.text : null;
        let w: Val;
        [w, s] = key ? this.readField(v, key, s, `${key}`) : [V_UNKNOWN, s];
        if (el.initializer) {
          let d: Val;
          [d, s] = this.evalExpr(el.initializer, s);
          w = union(w, d);
        }
        s = this.bindPattern(el.name, w, s, param);
      }
      return s;
    }
    // Array pattern.
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) {
        s = this.bindPattern(el.name, V_UNKNOWN, s, param);
        return;
      }
      let w: Val;
      [w, s] = this.readElem(v, `[L:${i}]`, s, `[${i}]`);
      s = this.bindPattern(el.name, w, s, param);
    });
    return s;
  },

  /** A variable used as a container key changed: forget what those keys held. */
  forgetKeys(this: Analyzer, sym: ts.Symbol, s: State): State {
    if (!this.keySyms.has(sym)) return s;
    const k = `[V:${symId(sym)}]`;
    for (const [id, st] of s.atoms) {
      const v = st.fields?.get(k);
      if (v) {
        // The key now names another entry: what it held stays in the container, somewhere.
        const f = new Map(st.fields);
        f.delete(k);
        if (!this.info(id).symbolic) f.set('[*]', union(f.get('[*]') ?? V_NONE, v));
        s = s.setAtom(id, { ...st, fields: f });
      }
    }
    return s;
  },

  /**
   * `for (const i of cache.indexes())` where the method is `return [...this.entries.keys()]`: the
   * Map whose keys it lists (read from the receiver), or null.
   */
  keysHelperMap(this: Analyzer, e: ts.Expression, s: State): Val | null {
    if (!ts.isCallExpression(e) || e.arguments.length !== 0 || !ts.isPropertyAccessExpression(e.expression)) return null;
    const sym0 = this.checker.getSymbolAtLocation(e.expression.name);
    const decl = sym0 && resolveAlias(this.checker, sym0).valueDeclaration;
    if (!decl || !ts.isMethodDeclaration(decl) || !decl.body || decl.body.statements.length !== 1) return null;
    const ret = decl.body.statements[0]!;
    if (!ts.isReturnStatement(ret) || !ret.expression) return null;
    const inner = mapKeysCall(ret.expression);
    if (!inner || !ts.isPropertyAccessExpression(inner) || inner.expression.kind !== SK.ThisKeyword) return null;
    const recv = this.evalExpr(e.expression.expression, s)[0];
    return this.readField(recv, inner.name.text, s, shortText(inner))[0];
  },

  execLoop(this: Analyzer, node: ts.IterationStatement, s: State, _label: string | undefined): State | null {
    const t: Target = { kind: 'loop', node, breaks: [], continues: [], joined: true };
    const frame = this.top();
    let entry: State | null = s;
    // for (init; …): the initialiser runs once.
    if (ts.isForStatement(node) && node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) entry = this.execVarList(node.initializer, s, node);
      else entry = this.evalExpr(node.initializer, s)[1];
    }
    let iterable: Val = V_UNKNOWN;
    if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && entry) {
      [iterable, entry] = this.evalExpr(node.expression, entry);
      if (ts.isForInStatement(node)) iterable = V_UNKNOWN;
    }
    if (!entry) return null;
    // A variable the loop writes holds no one constant across its iterations (`let i = 0` of a
    // loop not run exactly): each pass would key and decide by the first iteration's value.
    // A loop each of whose conditions is decided (a list walk, a counter from a known start): once
    // per iteration, with the constants each leaves.
    // (Not a counted loop known to run more times than it would unroll: each pass would be decided
    // until the last it may try, all for nothing.)
    const plan = countedLoop(this, node);
    if ((ts.isForStatement(node) || ts.isWhileStatement(node)) && !plan?.tooLong) {
      const decided = execDecided(this, node, entry);
      if (decided !== undefined) return decided;
    }
    entry = forgetWrittenConsts(this, node, entry);
    // Loops run exactly: a small constant range, or a container whose entries are all known.
    if (ts.isForStatement(node) && plan && !plan.tooLong && canUnroll(this, plan.values.length)) return execCounted(this, node, entry, plan);
    if (ts.isForOfStatement(node) && !node.awaitModifier) {
      // `for (const id of [1, 2, 3])`: once per constant.
      const lits = literalList(this, node.expression);
      const byConst = lits && canUnroll(this, lits.length) ? execConstForOf(this, node, entry, lits) : undefined;
      if (byConst !== undefined) return byConst;
      // `for (const k of map.keys())` / `[...map.keys()]` over a Map whose keys are all known.
      const keysOf = mapKeysCall(node.expression);
      const m0 = keysOf ? this.evalExpr(keysOf, entry)[0] : this.keysHelperMap(node.expression, entry);
      if (m0) {
        const m = m0;
        const entries = exactEntries(this, m, entry);
        if (entries && m.length === 1 && this.info(m[0]!).container === 'map' && !bodyMayGrow(node) && canUnroll(this, entries.length)) return execExactForOf(this, node, entry, entries, false, true);
      }
      const entries = exactEntries(this, iterable, entry);
      if (entries && !bodyMayGrow(node) && canUnroll(this, entries.length)) return execExactForOf(this, node, entry, entries, this.info(iterable[0]!).container === 'map');
    }
    const body = (head: State): { out: State | null; back: State | null } => {
      t.breaks = [];
      t.continues = [];
      t.localsStart = frame.locals.length;
      frame.targets.push(t);
      let st: State | null = head;
      let exitState: State | null = null;
      if (ts.isForStatement(node) || ts.isWhileStatement(node)) {
        const cond = ts.isForStatement(node) ? node.condition : node.expression;
        if (cond) {
          const [a, b] = this.evalCond(cond, st);
          st = a;
          exitState = b;
        }
      }
      if (st && (ts.isForOfStatement(node) || ts.isForInStatement(node))) {
        let el: Val;
        [el, st] = this.iterElement(iterable, st, node);
        const init = node.initializer;
        if (ts.isVariableDeclarationList(init)) {
          const d = init.declarations[0];
          if (d) {
            if (ts.isIdentifier(d.name)) this.nameAtoms(el, d.name.text, st);
            st = this.bindPattern(d.name, el, st, false);
          }
        } else st = this.assignTo(init, el, st, node);
        exitState = head;
      }
      if (st) st = this.exec(node.statement, st);
      // The body's own variables die at the end of each iteration.
      if (st) st = this.scopeEnd(st, frame.locals.slice(t.localsStart), null);
      let back: State | null = st;
      for (const c of t.continues) back = join(back, c);
      if (back && ts.isForStatement(node) && node.incrementor) back = this.evalExpr(node.incrementor, back)[1];
      if (ts.isDoStatement(node) && back) {
        const [a, b] = this.evalCond(node.expression, back);
        back = a;
        exitState = b;
      }
      frame.targets.pop();
      let out: State | null = exitState;
      for (const b of t.breaks) out = join(out, b);
      return { out, back };
    };
    // Iterate to a fixpoint without reporting, then report from the fixpoint head and from the
    // state a later iteration starts in.
    let head: State = entry;
    let last: { out: State | null; back: State | null } = { out: null, back: null };
    this.mute++;
    let stable = false;
    for (let i = 0; i < MAX_ITER; i++) {
      last = body(head);
      const next = join(head, last.back)!;
      if (sameState(next, head)) {
        stable = true;
        break;
      }
      head = next;
    }
    this.mute--;
    if (!stable) head = this.widen(head, entry);
    // The first iteration, from the state the loop is entered in: what it does to the handles it
    // knows exactly (the list's first node, before the walk joins it with the rest) is reported
    // as it is; the fixpoint head would only say maybe.
    if (head !== entry) body(entry);
    const final = body(head);
    if (last.back) {
      const backHead = last.back;
      body(backHead);
    }
    return this.consumedEach(node, iterable, head, final);
  },

  /**
   * `for (const p of pages) freePage(p)` over a container the function made: when every iteration
   * that goes round consumes its element and none breaks out, every element is consumed.
   */
  consumedEach(this: Analyzer, node: ts.IterationStatement, iterable: Val, head: State, final: { out: State | null; back: State | null }): State | null {
    let out = final.out;
    if (!out || !final.back || !ts.isForOfStatement(node)) return out;
    const conts = iterable.filter((a) => a > UNKNOWN && this.info(a).container && this.info(a).container !== 'object' && !head.atom(a).esc);
    if (conts.length !== 1 || iterable.includes(UNKNOWN)) return out;
    const init = node.initializer;
    const d = ts.isVariableDeclarationList(init) ? init.declarations[0] : undefined;
    if (!d || !ts.isIdentifier(d.name)) return out;
    const sym = this.checker.getSymbolAtLocation(d.name);
    const el = sym ? final.back.val(sym) : undefined;
    if (!el || el.length !== 1) return out;
    const c = final.back.atom(el[0]!).cons;
    if (!c?.must || final.out !== head) return out;
    const all = this.contents(conts[0]!, head).filter((x) => x > UNKNOWN);
    for (const a of all) {
      const st = out.atom(a);
      if (st.esc || st.cons?.must) continue;
      out = out.update(a, { cons: { ...c, must: true } });
      // What an array may still hold after elements were taken out: each of them maybe.
      if (st.unsure) for (const b of st.alts ?? []) if (b > UNKNOWN && !out.atom(b).esc && !out.atom(b).cons) out = out.update(b, { cons: { ...c, must: false } });
    }
    return out;
  },

  /** A loop without a fixpoint in a few iterations: go silent on every atom it changed. */
  widen(this: Analyzer, head: State, entry: State): State {
    let s = head;
    for (const [id, st] of head.atoms) if (entry.atoms.get(id) !== st) s = s.update(id, { esc: true });
    return s;
  },
};

/** The statement methods {@link Analyzer} has. */
export type StmtMethods = typeof stmtMethods;
