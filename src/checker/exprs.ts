/**
 * Expressions, for the abstract interpreter ({@link Analyzer}): variables (fields and elements are
 * places.ts), literals, assignments, `?:`, `??`, `&&`, `||`, `await`, and conditions (null tests and narrowing, decided constants).
 *
 * @module
 */
import { NF, SF, SK, ts } from './ts.js';
import { resolveAlias } from './api.js';
import { join, NULL, renameVal, State, union, UNKNOWN, V_NONE, V_NULL, V_UNKNOWN, type Fact, type Val } from './state.js';
import { callExpr, constructNew, invoke } from './calls.js';
import { forgetPrecise, plainFields } from './library.js';
import { boolLiteral, constAfterUpdate, constCompare, constOfSymbol, constValue, fieldConstKey, objAtomOf, varConstKey } from './loops.js';
import { isFunctionLike, shortText, type Analyzer } from './interp.js';

/** The callbacks of a `struct shrinker`. */
const SHRINKER_FIELDS = new Set(['scanObjects', 'countObjects']);

export const exprMethods = {
  evalExpr(this: Analyzer, e: ts.Expression, s: State): [Val, State] {
    switch (e.kind) {
      case SK.Identifier:
        return this.readVar(e as ts.Identifier, s);
      case SK.NullKeyword:
        return [V_NULL, s];
      case SK.ThisKeyword:
        return [this.top().thisVal, s];
      case SK.ParenthesizedExpression:
        return this.evalExpr((e as ts.ParenthesizedExpression).expression, s);
      case SK.AsExpression:
      case SK.TypeAssertionExpression:
      case SK.SatisfiesExpression:
        return this.evalExpr((e as ts.AsExpression).expression, s);
      case SK.NonNullExpression: {
        const [v, st] = this.evalExpr((e as ts.NonNullExpression).expression, s);
        return this.nonNull(v, st);
      }
      case SK.PropertyAccessExpression: {
        const n = e as ts.PropertyAccessExpression;
        const [o, st] = this.evalExpr(n.expression, s);
        let [v, st2] = this.readField(o, n.name.text, st, `${shortText(n)}`);
        // A getter of your own class on an object the checker made: run it.
        if (v.includes(UNKNOWN) && o.some((a) => a > UNKNOWN && this.info(a).instance)) {
          const g = this.getterOf(n);
          if (g) [v, st2] = invoke(this, g, [], [], o, st, n);
        }
        // `o?.f`: undefined only when `o` may be (a Map entry known to be there is not).
        const mayBeNull = o.includes(NULL) || o.includes(UNKNOWN) || o.some((a) => a > UNKNOWN && st.atom(a).nul !== undefined && st.atom(a).nul !== 0);
        return [n.questionDotToken && mayBeNull ? union(v, V_NULL) : v, st2];
      }
      case SK.ElementAccessExpression: {
        const n = e as ts.ElementAccessExpression;
        const [o, st] = this.evalExpr(n.expression, s);
        let st2: State;
        [, st2] = this.evalExpr(n.argumentExpression, st);
        const key = this.keyOf(n.argumentExpression, 0, st2);
        if (key && !key.startsWith('[')) return this.readField(o, key, st2, shortText(n));
        return this.readElem(o, key, st2, shortText(n));
      }
      case SK.CallExpression:
        // A call the compiler refuses (`// @ts-expect-error`, tsd's expectError) is not judged, and changes nothing.
        if (this.isRefused(e)) return [V_UNKNOWN, s];
        return callExpr(this, e as ts.CallExpression, s);
      case SK.NewExpression:
        return constructNew(this, e as ts.NewExpression, s);
      case SK.ArrowFunction:
      case SK.FunctionExpression:
        // Made in a loop: the one atom stands for several instances, each with its own captures.
        if (this.unrollTags.length || this.frames.some((f) => f.targets.some((t) => t.kind === 'loop'))) this.manyFns.add(e);
        return [[this.funcAtom(e as ts.SignatureDeclaration)], s];
      case SK.ObjectLiteralExpression:
        return this.objectLiteral(e as ts.ObjectLiteralExpression, s);
      case SK.ArrayLiteralExpression:
        return this.arrayLiteral(e as ts.ArrayLiteralExpression, s);
      case SK.ConditionalExpression: {
        const n = e as ts.ConditionalExpression;
        const side = this.forced.get(n);
        if (side !== undefined) return this.evalExpr(side ? n.whenTrue : n.whenFalse, s);
        const [t, f] = this.evalCond(n.condition, s);
        const a = t ? this.evalExpr(n.whenTrue, t) : null;
        const b = f ? this.evalExpr(n.whenFalse, f) : null;
        if (!a) return b ?? [V_UNKNOWN, s];
        if (!b) return a;
        // The side taken because an allocation failed does not decide what holds after it.
        if (a[1].oom !== b[1].oom && !s.oom) return a[1].oom ? b : a;
        return [union(a[0], b[0]), join(a[1], b[1])!];
      }
      case SK.BinaryExpression:
        return this.binary(e as ts.BinaryExpression, s);
      case SK.AwaitExpression: {
        const [v, st] = this.evalExpr((e as ts.AwaitExpression).expression, s);
        let st2 = st.withSusp(2);
        if (this.frames.length === 1) st2 = this.runPending(st2, e);
        return [v, st2];
      }
      case SK.PrefixUnaryExpression:
      case SK.PostfixUnaryExpression: {
        const n = e as ts.PrefixUnaryExpression;
        const [, st] = this.evalExpr(n.operand, s);
        if (n.operator === SK.PlusPlusToken || n.operator === SK.MinusMinusToken) {
          // A counter known before is known after (`added++` from `let added = 0`).
          const k = constAfterUpdate(this, e as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, st);
          return [V_UNKNOWN, this.setConst(n.operand, k, this.assignTo(n.operand, V_UNKNOWN, st, e))];
        }
        return [V_UNKNOWN, st];
      }
      case SK.DeleteExpression: {
        const n = (e as ts.DeleteExpression).expression;
        if (ts.isPropertyAccessExpression(n)) {
          const [o, st] = this.evalExpr(n.expression, s);
          const [old, st2] = this.readField(o, n.name.text, st, shortText(n));
          return [V_UNKNOWN, this.dropped(old, this.writeField(o, n.name.text, V_NULL, st2, e, true), e, 'the field holding it is deleted here')];
        }
        return [V_UNKNOWN, this.evalExpr(n, s)[1]];
      }
      case SK.TypeOfExpression:
      case SK.VoidExpression:
        return [e.kind === SK.VoidExpression ? V_NULL : V_UNKNOWN, this.evalExpr((e as ts.TypeOfExpression).expression, s)[1]];
      case SK.TemplateExpression: {
        let st = s;
        for (const sp of (e as ts.TemplateExpression).templateSpans) [, st] = this.evalExpr(sp.expression, st);
        return [V_UNKNOWN, st];
      }
      case SK.SpreadElement: {
        const [v, st] = this.evalExpr((e as ts.SpreadElement).expression, s);
        return [V_UNKNOWN, this.escape(v, st)];
      }
      case SK.YieldExpression: {
        const x = (e as ts.YieldExpression).expression;
        if (!x) return [V_UNKNOWN, s];
        const [v, st] = this.evalExpr(x, s);
        return [V_UNKNOWN, this.escape(v, st)];
      }
      case SK.TaggedTemplateExpression:
      case SK.ClassExpression:
        return [V_UNKNOWN, s];
      default:
        if (e.kind === SK.UndefinedKeyword) return [V_NULL, s];
        return [V_UNKNOWN, s];
    }
  },

  /** The user-written `get` accessor a property access reads, if any. */
  getterOf(this: Analyzer, n: ts.PropertyAccessExpression): ts.GetAccessorDeclaration | null {
    const sym = this.checker.getSymbolAtLocation(n.name);
    const d = sym?.declarations?.find((x): x is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(x) && !!x.body);
    return d && !d.getSourceFile().isDeclarationFile && !this.isMemdesc(d) ? d : null;
  },

  /** `x!`: not null. When the value is one allocation result, that allocation succeeded. */
  nonNull(this: Analyzer, v: Val, s: State): [Val, State] {
    const w = v.filter((a) => a !== NULL);
    if (w.length === 1 && w[0]! > UNKNOWN && s.atom(w[0]!).nul === 1) s = s.update(w[0]!, { nul: 0 });
    return [w.length ? w : V_UNKNOWN, s];
  },

  readVar(this: Analyzer, id: ts.Identifier, s: State): [Val, State] {
    if (id.text === 'undefined') return [V_NULL, s];
    const sym = this.checker.getSymbolAtLocation(id);
    if (!sym) return [V_UNKNOWN, s];
    const v = s.val(sym);
    if (v) return [v, s];
    return this.lookupOuter(sym, s);
  },

  /** A variable with no value in the state: a function, or what an outer scope holds (symbolic). */
  lookupOuter(this: Analyzer, sym0: ts.Symbol, s: State): [Val, State] {
    const sym = sym0.flags & SF.Alias ? resolveAlias(this.checker, sym0) : sym0;
    const decl = sym.valueDeclaration;
    if (!decl) return [V_UNKNOWN, s];
    if (isFunctionLike(decl) && (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl))) return [[this.funcAtom(decl)], s];
    if (ts.isVariableDeclaration(decl)) {
      const init = decl.initializer;
      const isConst = (ts.getCombinedNodeFlags(decl) & NF.Const) !== 0;
      if (isConst && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return [[this.funcAtom(init)], s];
      if (decl.getSourceFile().isDeclarationFile) return [V_UNKNOWN, s];
      // Declared in a scope this analysis did not run (an outer function, the module): symbolic.
      return this.symbolicVar(sym, s);
    }
    if (ts.isParameter(decl) || ts.isBindingElement(decl)) {
      return this.symbolicVar(sym, s);
    }
    return [V_UNKNOWN, s];
  },

  /**
   * A variable of a scope this analysis did not run (an outer function, the module, a parameter of
   * the root function): one symbolic value per symbol, or unknown when a frame of this analysis
   * declares it (its value there is not this one).
   */
  symbolicVar(this: Analyzer, sym: ts.Symbol, s: State): [Val, State] {
    if (this.frames.some((f) => f.locals.includes(sym))) return [V_UNKNOWN, s];
    let a = this.symbolicOf.get(sym);
    if (a === undefined) {
      a = this.newAtom({ kind: 'ref', name: sym.name, fresh: false, symbolic: true, depth: 0 });
      this.symbolicOf.set(sym, a);
    }
    const v: Val = [a];
    return [v, s.setVar(sym, v)];
  },

  objectLiteral(this: Analyzer, e: ts.ObjectLiteralExpression, s: State): [Val, State] {
    const fields = new Map<string, Val>();
    const consts: [string, Fact][] = [];
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p)) {
        const [v, st] = this.evalExpr(p.initializer, s);
        s = st;
        const k = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : null;
        if (k) fields.set(k, v);
        else s = this.escape(v, s);
        const c = k ? (constValue(this, p.initializer, 0, this.frames.length - 1, s) ?? boolLiteral(p.initializer)) : null;
        if (k && c !== null) consts.push([k, c]);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        const sym = this.checker.getShorthandAssignmentValueSymbol(p);
        const [v, st] = sym ? (s.val(sym) ? [s.val(sym)!, s] : this.lookupOuter(sym, s)) : [V_UNKNOWN, s];
        s = st;
        fields.set(p.name.text, v);
        // `{ index, folio }` with `index` a known constant: the field holds it.
        const c = sym ? constOfSymbol(this, sym, 0, this.frames.length - 1, s) : null;
        if (c !== null) consts.push([p.name.text, c]);
      } else if (ts.isSpreadAssignment(p)) {
        const [v, st] = this.evalExpr(p.expression, s);
        s = st;
        for (const a of v) {
          const f = a > UNKNOWN ? s.atom(a).fields : undefined;
          if (f && !this.info(a).symbolic) for (const [k, w] of f) fields.set(k, w);
          else s = this.escape([a], s);
        }
      } else if (ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) {
        if (ts.isIdentifier(p.name)) fields.set(p.name.text, [this.funcAtom(p)]);
      }
    }
    const [id, st, aged] = this.siteAtom(e, s, () => ({ kind: 'obj', name: '', fresh: false, container: 'object' }));
    s = st;
    // Made again (a loop): what the fields hold, read before, names the previous object by its
    // older instance now (`head = { page, next: head }` links to the old head, not to itself).
    if (aged) for (const [k, v] of fields) fields.set(k, renameVal(v, aged));
    s = s.setAtom(id, { ex: 2, fields });
    for (const k of fields.keys()) s = s.withFact(fieldConstKey(id, k), null);
    for (const [k, c] of consts) s = s.withFact(fieldConstKey(id, k), c);
    for (const v of fields.values()) this.use(v, s, e, 'is stored in an object here');
    return [[id], s];
  },

  arrayLiteral(this: Analyzer, e: ts.ArrayLiteralExpression, s: State): [Val, State] {
    const fields = new Map<string, Val>();
    let precise = true;
    e.elements.forEach((el, i) => {
      if (ts.isSpreadElement(el)) {
        const [v, st] = this.evalExpr(el.expression, s);
        s = st;
        let star = fields.get('[*]') ?? V_NONE;
        for (const a of v) star = union(star, a > UNKNOWN && this.info(a).container && !s.atom(a).esc ? this.contents(a, s) : V_UNKNOWN);
        fields.set('[*]', star);
        precise = false;
        return;
      }
      if (ts.isOmittedExpression(el)) return;
      const [v, st] = this.evalExpr(el, s);
      s = st;
      this.use(v, s, el, 'is stored in an array here');
      if (precise) fields.set(`[L:${i}]`, v);
      else fields.set('[*]', union(fields.get('[*]') ?? V_NONE, v));
    });
    const [id, st, aged] = this.siteAtom(e, s, () => ({ kind: 'obj', name: '', fresh: false, container: 'array' }));
    s = st;
    if (aged) for (const [k, v] of fields) fields.set(k, renameVal(v, aged));
    s = s.setAtom(id, { ex: 2, fields, ...(precise ? { len: e.elements.length } : {}) });
    return [[id], s];
  },

  binary(this: Analyzer, e: ts.BinaryExpression, s: State): [Val, State] {
    const op = e.operatorToken.kind;
    if (op === SK.AmpersandAmpersandToken || op === SK.BarBarToken) {
      const [t, f] = this.evalCond(e.left, s);
      const [lv] = this.evalExpr(e.left, s);
      if (op === SK.AmpersandAmpersandToken) {
        const r = t ? this.evalExpr(e.right, t) : null;
        if (!r) return [V_UNKNOWN, f ?? s];
        return [union(r[0], V_UNKNOWN), join(r[1], f) ?? s];
      }
      const r = f ? this.evalExpr(e.right, f) : null;
      if (!r) return [lv, t ?? s];
      return [union(lv.filter((a) => a !== NULL), r[0]), join(t, r[1]) ?? s];
    }
    if (op === SK.QuestionQuestionToken) {
      const side = this.forced.get(e);
      if (side !== undefined) {
        const [lv0, st0] = this.evalExpr(e.left, s);
        if (side) return this.nonNull(lv0, st0);
        return this.evalExpr(e.right, st0);
      }
      const [lv, st] = this.evalExpr(e.left, s);
      const [nn, isNull] = this.splitNull(e.left, lv, st);
      // The left surely nullish (a take from a cache known empty): the right surely runs.
      const sure = lv.length > 0 && lv.every((a) => a === NULL);
      if (sure) this.surelyNullish.add(e);
      let r: [Val, State] | null;
      try {
        r = isNull ? this.evalExpr(e.right, isNull) : null;
      } finally {
        if (sure) this.surelyNullish.delete(e);
      }
      const left = lv.filter((a) => a !== NULL);
      if (!r) return [left.length ? left : V_UNKNOWN, nn ?? st];
      return [union(left, r[0]), join(nn, r[1]) ?? st];
    }
    if (op === SK.EqualsToken) {
      const [v, st] = this.evalExpr(e.right, s);
      if (ts.isIdentifier(e.left)) this.nameAtoms(v, e.left.text, st);
      // (A field set to true or false keeps the flag too: `att.mapped = true`.)
      const k = constValue(this, e.right, 0, this.frames.length - 1, st) ?? (ts.isPropertyAccessExpression(e.left) ? boolLiteral(e.right) : null);
      return [v, this.setConst(e.left, k, this.literalFact(e.left, e.right, this.assignTo(e.left, v, st, e)))];
    }
    if (op === SK.QuestionQuestionEqualsToken || op === SK.BarBarEqualsToken || op === SK.AmpersandAmpersandEqualsToken) {
      const [lv, st] = this.evalExpr(e.left, s);
      const [rv, st2] = this.evalExpr(e.right, st);
      const v = union(lv, rv);
      return [v, this.assignTo(e.left, v, join(st, st2)!, e, true)];
    }
    if (op >= SK.FirstCompoundAssignment && op <= SK.LastCompoundAssignment) {
      const [, st] = this.evalExpr(e.right, s);
      const [, st2] = this.evalExpr(e.left, st);
      const k = constAfterUpdate(this, e, st2);
      return [V_UNKNOWN, this.setConst(e.left, k, this.assignTo(e.left, V_UNKNOWN, st2, e))];
    }
    if (op === SK.CommaToken) {
      const [, st] = this.evalExpr(e.left, s);
      return this.evalExpr(e.right, st);
    }
    const [, st] = this.evalExpr(e.left, s);
    const [, st2] = this.evalExpr(e.right, st);
    return [V_UNKNOWN, st2];
  },

  /** Assigns to a variable, a field, an element, or a destructuring pattern. */
  assignTo(this: Analyzer, target: ts.Node, v: Val, s: State, node: ts.Node, weak = false): State {
    if (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target) || ts.isAsExpression(target)) return this.assignTo(target.expression, v, s, node, weak);
    if (ts.isIdentifier(target)) {
      const sym = this.checker.getSymbolAtLocation(target);
      if (!sym) return s;
      const old = s.val(sym) ?? V_NONE;
      if (!s.val(sym)) {
        // An outer variable written by a closure or helper: it outlives this function.
        const decl = sym.valueDeclaration;
        const local = this.frames.some((f) => f.locals.includes(sym));
        if (!local && decl && !ts.isSourceFile(this.top().fn)) s = this.store(v, s, node, false);
      }
      s = this.forgetFacts(this.forgetKeys(sym, s), target.text).withFact(varConstKey(sym), null);
      s = s.setVar(sym, v);
      if (!weak) s = this.dropped(old.filter((a) => !v.includes(a)), s, node, `'${target.text}' is overwritten here`);
      return s;
    }
    if (ts.isPropertyAccessExpression(target)) {
      const [o, st] = this.evalExpr(target.expression, s);
      // A shrinker's callback: kept for where the code runs it, its captures not escaped.
      if (SHRINKER_FIELDS.has(target.name.text) && v.length > 0 && v.every((a) => a > UNKNOWN && this.info(a).kind === 'func') && this.isShrinker(target.expression)) {
        this.shrinkerFns.set(target.name.text, v);
        return st;
      }
      // `batch.length = 0` of a local array: it holds nothing from now on (what it held is dropped).
      if (target.name.text === 'length' && o.length === 1 && o[0]! > UNKNOWN && this.info(o[0]!).container === 'array' && !this.info(o[0]!).many && !st.atom(o[0]!).esc) {
        const a = o[0]!;
        if (ts.isBinaryExpression(node) && constValue(this, node.right, 0, this.frames.length - 1, st) === 0) {
          const old = this.contents(a, st);
          const st2 = st.setAtom(a, { ...st.atom(a), fields: plainFields(st, a), len: 0 });
          return this.dropped(old.filter((x) => x > UNKNOWN), st2, node, 'the array holding it is emptied here');
        }
        return forgetPrecise(st, a);
      }
      return this.writeField(o, target.name.text, v, this.forgetFacts(st, target.name.text), node);
    }
    if (ts.isElementAccessExpression(target)) {
      const [o, st] = this.evalExpr(target.expression, s);
      const [, st2] = this.evalExpr(target.argumentExpression, st);
      const key = this.keyOf(target.argumentExpression, 0, st2);
      if (key && !key.startsWith('[')) return this.writeField(o, key, v, st2, node);
      return this.writeElem(o, key, v, st2, node);
    }
    if (ts.isObjectLiteralExpression(target)) {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) {
          const [w, st] = this.readField(v, p.name.text, s, p.name.text);
          s = this.assignTo(p.name, w, st, node, true);
        } else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) {
          const [w, st] = this.readField(v, p.name.text, s, p.name.text);
          s = this.assignTo(p.initializer, w, st, node, true);
        }
      }
      return s;
    }
    if (ts.isArrayLiteralExpression(target)) {
      target.elements.forEach((el, i) => {
        if (ts.isOmittedExpression(el) || ts.isSpreadElement(el)) return;
        // A destructuring assignment (a swap): no drop checks, the old values may be on the right.
        const [w, st] = this.readElem(v, `[L:${i}]`, s, `[${i}]`);
        s = this.assignTo(el, w, st, node, true);
      });
      return s;
    }
    return s;
  },

  /** Splits a state on `e ?? …`: the left side not null, and null. */
  splitNull(this: Analyzer, e: ts.Expression, v: Val, s: State): [State | null, State | null] {
    return this.refine(e, v, s, true);
  },

  /**
   * Refines on `x` being truthy/non-null (`nonNull` true) or falsy/null (false): the variable's
   * value, and an allocation result's null-ness.
   */
  refine(this: Analyzer, e: ts.Expression, v: Val, s: State, nonNullFirst: boolean): [State | null, State | null] {
    const hasNull = v.includes(NULL);
    const refs = v.filter((a) => a > UNKNOWN);
    const nullable = refs.filter((a) => s.atom(a).nul === 1);
    const nonNullAtoms = refs.filter((a) => s.atom(a).nul !== 2);
    // The non-null side.
    let yes: State | null = s;
    if (!v.includes(UNKNOWN) && nonNullAtoms.length === 0) yes = null;
    else {
      if (nullable.length === 1 && refs.length === 1) yes = yes.update(nullable[0]!, { nul: 0 });
      const w = v.filter((a) => a !== NULL && !(a > UNKNOWN && s.atom(a).nul === 2));
      yes = this.setExprVal(e, w.length ? w : v, yes);
    }
    // The null side.
    let no: State | null = s;
    // Null on this side: what may be, and what a test on this path already found null (an element
    // read again in a helper, `this.slots[idx]` after the caller's `cur === null`).
    const canNull = hasNull || nullable.length > 0 || v.includes(UNKNOWN) || refs.some((a) => s.atom(a).nul === 2 || (s.atom(a).nul === undefined && this.info(a).symbolic));
    if (!canNull) no = null;
    else {
      // An allocation that returned null failed (a lookup that found nothing did not).
      if (!hasNull && nullable.length === 1 && refs.length === 1) no = no.update(nullable[0]!, { nul: 2 }).withOom((!!this.info(nullable[0]!).fresh && !v.includes(UNKNOWN)) || no.oom);
      if (!v.includes(UNKNOWN) && !refs.some((a) => this.info(a).symbolic || s.atom(a).nul === undefined)) no = this.setExprVal(e, V_NULL, no);
      else {
        // A handle known not to be null is not what the value is on the null side.
        const w = v.filter((a) => !(a > UNKNOWN && s.atom(a).nul === 0 && !this.info(a).symbolic && this.info(a).kind === 'ref'));
        if (w.length < v.length) no = this.setExprVal(e, w.length ? w : V_NULL, no);
      }
    }
    void nonNullFirst;
    return [yes, no];
  },

  /** Narrows what a variable (or a field path) holds on one side of a condition. */
  setExprVal(this: Analyzer, e: ts.Expression, v: Val, s: State): State {
    while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    if (ts.isIdentifier(e)) {
      const sym = this.checker.getSymbolAtLocation(e);
      if (sym && s.val(sym)) return s.setVar(sym, v);
    }
    if (ts.isPropertyAccessExpression(e)) {
      const [o] = this.evalExpr(e.expression, s);
      const refs = o.filter((a) => a > UNKNOWN);
      if (refs.length === 1 && !o.includes(UNKNOWN) && s.atom(refs[0]!).fields?.has(e.name.text)) return s.setField(refs[0]!, e.name.text, v);
    }
    // `this.slots[i] !== null` with `i` known: that entry, as a field.
    if (ts.isElementAccessExpression(e)) {
      const key = this.keyOf(e.argumentExpression, 0, s);
      if (!key?.startsWith('[L:')) return s;
      const [o] = this.evalExpr(e.expression, s);
      const refs = o.filter((a) => a > UNKNOWN);
      if (refs.length === 1 && !o.includes(UNKNOWN) && s.atom(refs[0]!).fields?.has(key)) return s.setField(refs[0]!, key, v);
    }
    return s;
  },

  /** Evaluates a condition: the states where it holds and where it does not. */
  /** Whether two expressions are the same object (true), surely different ones (false), or not known (null). */
  sameObject(this: Analyzer, a: ts.Expression, b: ts.Expression, s: State): boolean | null {
    const simple = (x: ts.Expression): boolean => ts.isIdentifier(x) || (ts.isPropertyAccessExpression(x) && simple(x.expression)) || x.kind === SK.ThisKeyword;
    if (!simple(a) || !simple(b)) return null;
    const [va] = this.evalExpr(a, s);
    const [vb] = this.evalExpr(b, s);
    if (va.length !== 1 || vb.length !== 1 || va[0]! <= UNKNOWN || vb[0]! <= UNKNOWN) return null;
    const x = va[0]!;
    const y = vb[0]!;
    const definite = (id: number): boolean => {
      const inf = this.info(id);
      const st = s.atom(id);
      return !inf.many && !inf.symbolic && !st.alts && st.base === undefined && (inf.fresh || inf.kind === 'obj') && st.ex === 2;
    };
    if (x === y) return this.info(x).many ? null : true;
    return definite(x) && definite(y) ? false : null;
  },

  evalCond(this: Analyzer, e: ts.Expression, s: State): [State | null, State | null] {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const key = this.factKey(e);
    if (key !== null) {
      const known = s.facts.get(key);
      if (known !== undefined) return known ? [s, null] : [null, s];
      const [t, f] = this.evalCond0(e, s);
      return [t && t.withFact(key, true), f && f.withFact(key, false)];
    }
    return this.evalCond0(e, s);
  },

  /** Whether an expression's type is memdesc's `Shrinker`. */
  isShrinker(this: Analyzer, e: ts.Expression): boolean {
    const t = this.checker.getNonNullableType(this.checker.getTypeAtLocation(e));
    const sym = t.getSymbol() ?? t.aliasSymbol;
    const d = sym?.declarations?.[0];
    return sym?.name === 'Shrinker' && d !== undefined && this.isMemdesc(d);
  },

  /** The constant a followed call just evaluated (to the state `after`) returned on every path, or null. */
  callResult(this: Analyzer, e: ts.Expression, after: State): Fact | null {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const c = ts.isCallExpression(e) ? this.callConst.get(e) : undefined;
    return c && c.after === after ? c.k : null;
  },

  /**
   * `n = 0`, `this.max = max`: the constant (number or string) the target holds on this path
   * from now on, or nothing known (null) — a variable by its symbol, a field by its one object.
   */
  setConst(this: Analyzer, target: ts.Node, k: Fact | null, s: State): State {
    while (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target)) target = target.expression;
    if (ts.isIdentifier(target)) {
      const sym = this.checker.getSymbolAtLocation(target);
      return sym ? s.withFact(varConstKey(sym), k) : s;
    }
    if (ts.isPropertyAccessExpression(target)) {
      const o = objAtomOf(this, target.expression, s);
      return o === null ? s : s.withFact(fieldConstKey(o, target.name.text), k);
    }
    return s;
  },

  /**
   * `released = true`, `let done = false`: a flag (a variable of the analysed function) set to a
   * literal is known truthy or falsy until it is written again, so a later `if (!released)` is
   * decided on each path.
   */
  literalFact(this: Analyzer, target: ts.Expression | ts.BindingName, value: ts.Expression | undefined, s: State): State {
    // A variable of the analysed function itself: facts are keyed by name, and a field path or a
    // helper's variable may name another object or another call's binding.
    if (!value || !ts.isIdentifier(target) || this.frames.length !== 1) return s;
    const sym = this.checker.getSymbolAtLocation(target);
    const d = sym?.valueDeclaration;
    if (!d || !ts.isVariableDeclaration(d) || ts.findAncestor(d, isFunctionLike) !== this.top().fn) return s;
    while (ts.isParenthesizedExpression(value)) value = value.expression;
    let truth: boolean | null = null;
    if (value.kind === SK.TrueKeyword) truth = true;
    else if (value.kind === SK.FalseKeyword || value.kind === SK.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined')) truth = false;
    else if (ts.isNumericLiteral(value)) truth = Number(value.text) !== 0;
    else if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) truth = value.text !== '';
    if (truth === null) return s;
    const key = this.factKey(target as ts.Expression);
    return key ? s.withFact(key, truth) : s;
  },

  evalCond0(this: Analyzer, e: ts.Expression, s: State): [State | null, State | null] {
    if (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken) {
      const [t, f] = this.evalCond(e.operand, s);
      return [f, t];
    }
    // `map.has(k)` on a Map whose keys are all known, with a known key: decided.
    if (ts.isCallExpression(e) && e.arguments.length === 1 && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'has') {
      const [m, st] = this.evalExpr(e.expression.expression, s);
      const key = this.keyOf(e.arguments[0]!, 0, s);
      if (m.length === 1 && m[0]! > UNKNOWN && this.info(m[0]!).container === 'map' && key?.startsWith('[L:') && this.exactKeys(m[0]!, st)) {
        const [, st2] = this.evalExpr(e.arguments[0]!, st);
        return st2.atom(m[0]!).fields?.has(key) ? [st2, null] : [null, st2];
      }
    }
    // `msg.startsWith('denied')` of constants (a message of a constant list being unrolled): decided.
    if (ts.isCallExpression(e) && e.arguments.length === 1 && ts.isPropertyAccessExpression(e.expression) && /^(startsWith|endsWith|includes)$/.test(e.expression.name.text)) {
      const str = constValue(this, e.expression.expression, 0, this.frames.length - 1, s);
      const arg = constValue(this, e.arguments[0]!, 0, this.frames.length - 1, s);
      if (typeof str === 'string' && typeof arg === 'string') {
        const m = e.expression.name.text as 'startsWith' | 'endsWith' | 'includes';
        return str[m](arg) ? [s, null] : [null, s];
      }
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === SK.AmpersandAmpersandToken) {
        const [t1, f1] = this.evalCond(e.left, s);
        const [t2, f2] = t1 ? this.evalCond(e.right, t1) : [null, null];
        return [t2, join(f1, f2)];
      }
      if (op === SK.BarBarToken) {
        const [t1, f1] = this.evalCond(e.left, s);
        const [t2, f2] = f1 ? this.evalCond(e.right, f1) : [null, null];
        return [join(t1, t2), f2];
      }
      // Two known constants (a loop counter being unrolled, a literal): decided.
      const known = constCompare(this, e, s);
      if (known !== null) return known ? [s, null] : [null, s];
      const eq = op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken;
      const ne = op === SK.ExclamationEqualsEqualsToken || op === SK.ExclamationEqualsToken;
      // `p !== victim`: two handles the checker knows are the same object, or surely two objects.
      if ((eq || ne) && e.left.kind !== SK.NullKeyword && e.right.kind !== SK.NullKeyword) {
        const same = this.sameObject(e.left, e.right, s);
        if (same !== null) return same === eq ? [s, null] : [null, s];
      }
      if (eq || ne) {
        const isNullLit = (x: ts.Expression) => x.kind === SK.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
        const other = isNullLit(e.right) ? e.left : isNullLit(e.left) ? e.right : null;
        if (other) {
          const [v, st] = this.evalExpr(other, s);
          const [nn, nl] = this.refine(other, v, st, true);
          return eq ? [nl, nn] : [nn, nl];
        }
      }
    }
    // A field the path set to true or false (an object literal's `mapped: false`): decided.
    if (ts.isPropertyAccessExpression(e)) {
      const o = objAtomOf(this, e.expression, s);
      const k = o !== null ? s.facts.get(fieldConstKey(o, e.name.text)) : undefined;
      if (typeof k === 'boolean') return k ? [s, null] : [null, s];
    }
    // A `const` bound to what a followed call returned on every path (callResult): decided.
    if (ts.isIdentifier(e)) {
      const sym = this.checker.getSymbolAtLocation(e);
      const k = sym ? s.facts.get(varConstKey(sym)) : undefined;
      if (typeof k === 'boolean') return k ? [s, null] : [null, s];
    }
    const [v, st] = this.evalExpr(e, s);
    if (ts.isCallExpression(e)) {
      const k = this.callResult(e, st);
      if (k !== null) return (typeof k === 'boolean' ? k : typeof k === 'number' ? k !== 0 && !Number.isNaN(k) : k !== '') ? [st, null] : [null, st];
    }
    // A call whose exits after a failed allocation return what the others do not: each side of the
    // test goes on from the exits that give it.
    if (ts.isCallExpression(e) || ts.isAwaitExpression(e)) {
      const f = this.failedExits.get(ts.isAwaitExpression(e) ? e.expression : e);
      if (f && f.after === st) return f.truthy ? [f.state, st] : [st, f.state];
      const c = this.condExits.get(ts.isAwaitExpression(e) ? e.expression : e);
      if (c && c.after === st) return [c.t, c.f];
    }
    if (v.some((a) => a === NULL || (a > UNKNOWN && this.info(a).kind === 'ref'))) {
      // A handle is an object or a nonzero address: truthy unless it may be null. A side the
      // refinement rules out is not a path (its state would hold what cannot happen).
      const [nn, nl] = this.refine(e, v, st, true);
      return [nn, nl];
    }
    // An object or a function is truthy.
    if (v.length && v.every((a) => a > UNKNOWN && this.info(a).kind !== 'ref')) return [st, null];
    return [st, st];
  },
};

/** The expression methods {@link Analyzer} has. */
export type ExprMethods = typeof exprMethods;
