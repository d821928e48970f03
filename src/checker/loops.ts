/**
 * Loops the checker can run exactly instead of iterating to a fixpoint:
 *
 * - a counted loop over a small constant range (`for (let i = 0; i < 4; i++)`, the counter not
 *   written in the body) runs once per value, with the counter a known constant: `map.set(i, p)`
 *   and `arr[i]` are precise keys, `i === 2` is decided, and each iteration's allocations are
 *   their own values (not one "many" value standing for all of them);
 * - a `for…of` over a local array or Map whose entries are all known (by literal index or key,
 *   on every path) runs once per entry, bound to that entry.
 *
 * Exits of the loop taken because an allocation failed (`if (p === null) break`) do not decide
 * what holds after it when another exit exists: allocations succeed, as in the followed callees.
 *
 * @module
 */
import { NF, SK, ts } from './ts.js';
import { resolveAlias } from './api.js';
import { join, UNKNOWN, V_UNKNOWN, type AtomState, type State, type Val } from './state.js';
import { symId, type Analyzer, type Frame } from './interp.js';

/** Iterations run one by one at most (per loop, and all nested unrolled loops together). */
export const MAX_UNROLL = 8;
const MAX_UNROLL_PRODUCT = 16;

/** `a OP b` on two numeric constants, with JavaScript's semantics; null for any other operator. */
function arith(op: number, a: number, b: number): number | null {
  switch (op) {
    case SK.PlusToken: return a + b;
    case SK.MinusToken: return a - b;
    case SK.AsteriskToken: return a * b;
    case SK.SlashToken: return a / b;
    case SK.PercentToken: return a % b;
    case SK.AsteriskAsteriskToken: return a ** b;
    case SK.AmpersandToken: return a & b;
    case SK.BarToken: return a | b;
    case SK.CaretToken: return a ^ b;
    case SK.LessThanLessThanToken: return a << b;
    case SK.GreaterThanGreaterThanToken: return a >> b;
    case SK.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
    default: return null;
  }
}

/**
 * `x += k`, `x -= k`, `x++`: what the variable holds after, when it held a constant before and
 * `k` is one (the compound operator by its plain one); null otherwise.
 */
export function constAfterUpdate(an: Analyzer, e: ts.BinaryExpression | ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, s: State): number | null {
  const frameIdx = an.frames.length - 1;
  if (!ts.isBinaryExpression(e)) {
    const k = constValue(an, e.operand, 0, frameIdx, s);
    return typeof k === 'number' ? k + (e.operator === SK.PlusPlusToken ? 1 : -1) : null;
  }
  const plain: Partial<Record<number, number>> = {
    [SK.PlusEqualsToken]: SK.PlusToken,
    [SK.MinusEqualsToken]: SK.MinusToken,
    [SK.AsteriskEqualsToken]: SK.AsteriskToken,
    [SK.LessThanLessThanEqualsToken]: SK.LessThanLessThanToken,
    [SK.GreaterThanGreaterThanEqualsToken]: SK.GreaterThanGreaterThanToken,
    [SK.AmpersandEqualsToken]: SK.AmpersandToken,
    [SK.BarEqualsToken]: SK.BarToken,
  };
  const op = plain[e.operatorToken.kind];
  if (op === undefined) return null;
  const a = constValue(an, e.left, 0, frameIdx, s);
  const b = constValue(an, e.right, 0, frameIdx, s);
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  const r = arith(op, a, b);
  return r !== null && Number.isFinite(r) ? r : null;
}

/**
 * A constant an expression surely has: a literal, a loop counter being unrolled, a `const` with a
 * constant initialiser (in any module), a parameter bound to a constant argument (and not written
 * in its function), and arithmetic, bitwise operators, string concatenation, template literals and
 * `Math.floor`/`Math.trunc`/`ceil`/`max`/`min` of those.
 */
export function constValue(an: Analyzer, e: ts.Expression, depth = 0, frameIdx = an.frames.length - 1, s?: State): number | string | null {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (depth > 8) return null;
  // With the state where it is read: the length of a local array whose length is known
  // (`arr[arr.length - 1]`). Not through a variable: its initialiser ran elsewhere.
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') {
    const n = typedLength(an, e.expression, depth, frameIdx);
    if (n !== null) return n;
  }
  if (s && ts.isPropertyAccessExpression(e)) return lengthOf(an, e, s) ?? fieldConst(an, e, s);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isPrefixUnaryExpression(e) && (e.operator === SK.MinusToken || e.operator === SK.PlusToken || e.operator === SK.TildeToken)) {
    const v = constValue(an, e.operand, depth + 1, frameIdx, s);
    if (typeof v !== 'number') return null;
    return e.operator === SK.MinusToken ? -v : e.operator === SK.PlusToken ? v : ~v;
  }
  // A key built from constants: `${ino}:${index}`.
  if (ts.isTemplateExpression(e)) {
    let out = e.head.text;
    for (const span of e.templateSpans) {
      const v = constValue(an, span.expression, depth + 1, frameIdx, s);
      if (v === null) return null;
      out += String(v) + span.literal.text;
    }
    return out;
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (arith(op, 0, 1) === null) return null;
    const a = constValue(an, e.left, depth + 1, frameIdx, s);
    const b = constValue(an, e.right, depth + 1, frameIdx, s);
    if (a === null || b === null) return null;
    // `+` of a string and a constant concatenates, as JavaScript does; every other operator is numeric.
    if (typeof a === 'string' || typeof b === 'string') return op === SK.PlusToken ? String(a) + String(b) : null;
    const r = arith(op, a, b);
    return r !== null && Number.isFinite(r) ? r : null;
  }
  if (ts.isCallExpression(e) && e.arguments.length >= 1 && ts.isPropertyAccessExpression(e.expression) && e.expression.expression.getText() === 'Math' && /^(floor|trunc|ceil|max|min)$/.test(e.expression.name.text)) {
    const xs = e.arguments.map((x) => constValue(an, x, depth + 1, frameIdx, s));
    if (!xs.every((x): x is number => typeof x === 'number')) return null;
    const f = e.expression.name.text as 'floor' | 'trunc' | 'ceil' | 'max' | 'min';
    return f === 'max' || f === 'min' ? Math[f](...xs) : xs.length === 1 ? Math[f](xs[0]!) : null;
  }
  if (ts.isIdentifier(e)) {
    const sym = an.checker.getSymbolAtLocation(e);
    return sym ? constOfSymbol(an, sym, depth, frameIdx, s) : null;
  }
  return null;
}

/** The constant a variable, `const` or parameter surely holds here (constValue of its name). */
export function constOfSymbol(an: Analyzer, sym: ts.Symbol, depth = 0, frameIdx = an.frames.length - 1, s?: State): number | string | null {
  if (depth > 8) return null;
  {
    const k = an.loopConst.get(sym);
    if (k !== undefined) return k;
    // What the path set it to (a parameter bound to a constant argument, `let n = 0`).
    if (s) {
      const f = s.facts.get(varConstKey(sym));
      if (typeof f === 'number' || typeof f === 'string') return f;
    }
    sym = resolveAlias(an.checker, sym);
    const d = sym.valueDeclaration;
    if (!d) return null;
    if (ts.isVariableDeclaration(d) && d.initializer && (ts.getCombinedNodeFlags(d) & NF.Const) !== 0 && ts.isVariableDeclarationList(d.parent) && !ts.isForOfStatement(d.parent.parent) && !ts.isForInStatement(d.parent.parent)) {
      return constValue(an, d.initializer, depth + 1, frameIdx);
    }
    // A `let` nothing in its scope writes after its initialiser is a const.
    if (ts.isVariableDeclaration(d) && d.initializer && ts.isIdentifier(d.name) && ts.isVariableDeclarationList(d.parent) && ts.isVariableStatement(d.parent.parent) && (d.parent.flags & NF.Let) !== 0) {
      const scope = d.parent.parent.parent;
      if ((ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) && !writes(an, ts.isCaseClause(scope) || ts.isDefaultClause(scope) ? scope.parent : scope, sym)) return constValue(an, d.initializer, depth + 1, frameIdx);
    }
    if (ts.isParameter(d) && ts.isIdentifier(d.name)) {
      for (let i = frameIdx; i >= 0; i--) {
        const f = an.frames[i]!;
        const b = f.argNodes.get(sym);
        if (!b) continue;
        if (!ts.isFunctionLike(d.parent) || !('body' in d.parent) || !d.parent.body || writes(an, d.parent.body, sym)) return null;
        return constValue(an, b.node, depth + 1, an.frames.indexOf(b.frame));
      }
    }
  }
  return null;
}

/** `a OP b` of two constants, decided; null when either side is not a known constant. */
export function constCompare(an: Analyzer, e: ts.BinaryExpression, s?: State): boolean | null {
  const op = e.operatorToken.kind;
  const cmp = [SK.EqualsEqualsEqualsToken, SK.EqualsEqualsToken, SK.ExclamationEqualsEqualsToken, SK.ExclamationEqualsToken, SK.LessThanToken, SK.LessThanEqualsToken, SK.GreaterThanToken, SK.GreaterThanEqualsToken];
  if (!cmp.includes(op)) return null;
  const a = constValue(an, e.left, 0, an.frames.length - 1, s);
  const b = constValue(an, e.right, 0, an.frames.length - 1, s);
  if (a === null || b === null || typeof a !== typeof b) return null;
  switch (op) {
    case SK.EqualsEqualsEqualsToken:
    case SK.EqualsEqualsToken:
      return a === b;
    case SK.ExclamationEqualsEqualsToken:
    case SK.ExclamationEqualsToken:
      return a !== b;
    case SK.LessThanToken:
      return a < b;
    case SK.LessThanEqualsToken:
      return a <= b;
    case SK.GreaterThanToken:
      return a > b;
    default:
      return a >= b;
  }
}

/** Whether `body` writes the variable `sym` (an assignment, `++`/`--`, a destructuring target). */
export function writes(an: Analyzer, body: ts.Node, sym: ts.Symbol): boolean {
  return writtenSymbols(an, body).has(sym);
}

/** The variables a body writes, by symbol (computed once per body: `writes` is asked often). */
const writtenIn = new WeakMap<ts.Node, ReadonlySet<ts.Symbol>>();

export function writtenSymbols(an: Analyzer, body: ts.Node): ReadonlySet<ts.Symbol> {
  const cached = writtenIn.get(body);
  if (cached) return cached;
  const out = new Set<ts.Symbol>();
  const add = (n: ts.Node): void => {
    if (!ts.isIdentifier(n)) return;
    const sym = an.checker.getSymbolAtLocation(n);
    if (sym) out.add(sym);
  };
  const target = (t: ts.Node): void => {
    if (ts.isIdentifier(t)) add(t);
    else if (ts.isArrayLiteralExpression(t) || ts.isObjectLiteralExpression(t) || ts.isPropertyAssignment(t) || ts.isShorthandPropertyAssignment(t) || ts.isSpreadElement(t) || ts.isParenthesizedExpression(t)) ts.forEachChild(t, target);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= SK.FirstAssignment && n.operatorToken.kind <= SK.LastAssignment) target(n.left);
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === SK.PlusPlusToken || n.operator === SK.MinusMinusToken)) add(n.operand);
    if (ts.isForOfStatement(n) || ts.isForInStatement(n)) add(n.initializer);
    ts.forEachChild(n, visit);
  };
  visit(body);
  writtenIn.set(body, out);
  return out;
}

/** Whether code in `file` may change the array `sym` holds: a mutating method, an element written, or the array passed on. */
function mayChange(an: Analyzer, file: ts.SourceFile, sym: ts.Symbol): boolean {
  let found = false;
  const isIt = (n: ts.Node): boolean => ts.isIdentifier(n) && an.checker.getSymbolAtLocation(n) === sym;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (isIt(n) && n.parent) {
      const p = n.parent;
      const read = (ts.isPropertyAccessExpression(p) && p.expression === n && !/^(push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin)$/.test(p.name.text) && !(ts.isBinaryExpression(p.parent) && p.parent.left === p)) ||
        (ts.isElementAccessExpression(p) && p.expression === n && !(ts.isBinaryExpression(p.parent) && p.parent.left === p)) ||
        (ts.isForOfStatement(p) && p.expression === n) ||
        (ts.isVariableDeclaration(p) && p.name === n);
      if (!read) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found || (sym.declarations ?? []).some((d) => d.getSourceFile() !== file) || (ts.getCombinedModifierFlags(sym.valueDeclaration as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
}

/** The values of a counted loop over a small constant range, or null. */
/** (`tooLong`: a counted loop of more than MAX_UNROLL iterations, run to a fixpoint.) */
export function countedLoop(an: Analyzer, node: ts.IterationStatement): { sym: ts.Symbol; values: number[]; tooLong?: true } | null {
  if (!ts.isForStatement(node) || !node.initializer || !node.condition || !node.incrementor) return null;
  const init = node.initializer;
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return null;
  const d = init.declarations[0]!;
  if (!ts.isIdentifier(d.name) || !d.initializer) return null;
  const sym = an.checker.getSymbolAtLocation(d.name);
  const from = constValue(an, d.initializer);
  if (!sym || typeof from !== 'number' || !Number.isInteger(from)) return null;
  const c = node.condition;
  if (!ts.isBinaryExpression(c) || !ts.isIdentifier(c.left) || an.checker.getSymbolAtLocation(c.left) !== sym) return null;
  const to = constValue(an, c.right);
  if (typeof to !== 'number' || !Number.isInteger(to)) return null;
  const op = c.operatorToken.kind;
  const inc = node.incrementor;
  const isInc =
    ((ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && inc.operator === SK.PlusPlusToken && ts.isIdentifier(inc.operand) && an.checker.getSymbolAtLocation(inc.operand) === sym) ||
    (ts.isBinaryExpression(inc) && inc.operatorToken.kind === SK.PlusEqualsToken && ts.isIdentifier(inc.left) && an.checker.getSymbolAtLocation(inc.left) === sym && constValue(an, inc.right) === 1);
  if (!isInc) return null;
  const last = op === SK.LessThanToken || op === SK.ExclamationEqualsEqualsToken ? to - 1 : op === SK.LessThanEqualsToken ? to : null;
  if (last === null || writes(an, node.statement, sym)) return null;
  if (last - from + 1 > MAX_UNROLL) return { sym, values: [], tooLong: true };
  const values: number[] = [];
  for (let k = from; k <= last; k++) values.push(k);
  return { sym, values };
}

/** Whether nested unrolling stays within its budget with `n` more iterations. */
export function canUnroll(an: Analyzer, n: number): boolean {
  return an.unrollWork * Math.max(1, n) <= MAX_UNROLL_PRODUCT && an.mute === 0;
}

/**
 * A `while` or `for (;;)` loop whose condition every iteration decides — a walk down a list whose
 * nodes are all known (`for (let r = this.head; r; r = r.next)`), a queue drained to known
 * emptiness — run once per iteration, each from the state the last one left, with no join
 * between them: freeing each node's buffer frees exactly that one. Undefined when some
 * iteration's condition could go either way, or the loop runs more than MAX_UNROLL times (the
 * fixpoint decides then).
 */
export function execDecided(an: Analyzer, node: ts.ForStatement | ts.WhileStatement, entry: State): State | null | undefined {
  const cond = ts.isForStatement(node) ? node.condition : node.expression;
  if (!cond || !canUnroll(an, MAX_UNROLL)) return undefined;
  const frame: Frame = an.top();
  const run = (): State | null | undefined => {
    const t = { kind: 'loop' as const, node, breaks: [] as State[], continues: [] as State[], localsStart: 0 };
    const exits: State[] = [];
    let cur: State = entry;
    an.unrollWork *= MAX_UNROLL;
    try {
      for (let k = 0; k <= MAX_UNROLL; k++) {
        const [go, stop] = an.evalCond(cond, cur);
        if (go && stop) return undefined;
        if (!go) {
          if (stop) exits.push(stop);
          return exits.reduce<State | null>((a, b) => join(a, b), null);
        }
        if (k === MAX_UNROLL) return undefined;
        an.unrollTags.push(`~${k}`);
        t.breaks = [];
        t.continues = [];
        t.localsStart = frame.locals.length;
        frame.targets.push(t);
        let back: State | null;
        try {
          let st = an.exec(node.statement, go);
          if (st) st = an.scopeEnd(st, frame.locals.slice(t.localsStart), null);
          back = st;
          for (const c of t.continues) back = join(back, c);
          if (back && ts.isForStatement(node) && node.incrementor) back = an.evalExpr(node.incrementor, back)[1];
          exits.push(...t.breaks);
        } finally {
          frame.targets.pop();
          an.unrollTags.pop();
        }
        if (!back) return exits.reduce<State | null>((a, b) => join(a, b), null);
        cur = back;
      }
      return undefined;
    } finally {
      an.unrollWork /= MAX_UNROLL;
    }
  };
  // Run at once: each iteration it gets through starts from a state the program really reaches
  // there, so what it reports holds even when a later condition is not decided and the fixpoint
  // takes over.
  return run();
}

/** Runs a counted loop once per value of its counter. */
export function execCounted(an: Analyzer, node: ts.ForStatement, entry: State, plan: { sym: ts.Symbol; values: number[] }): State | null {
  const iterations = plan.values.map((k) => ({ bind: (st: State): State => st, konst: [[plan.sym, k] as [ts.Symbol, number | string]], tag: `#${k}` }));
  return runIterations(an, node, entry, iterations);
}

/** Whether a container's state says it holds nothing: length 0 and no entry, known or not. */
export function isEmptyArray(st: AtomState): boolean {
  return st.len === 0 && noElements(st);
}

/** Whether a container's state holds no element on any path (no index or key field). */
export function noElements(st: AtomState): boolean {
  return ![...(st.fields?.keys() ?? [])].some((k) => k.startsWith('['));
}

/** The entries of a local container known exactly (every index or key precise, on every path), or null. */
export function exactEntries(an: Analyzer, it: Val, s: State): { key: string; val: Val }[] | null {
  if (it.length !== 1 || it[0]! <= UNKNOWN) return null;
  const a = it[0]!;
  const inf = an.info(a);
  const st = s.atom(a);
  if (!inf.container || inf.container === 'object' || inf.container === 'set' || st.esc || inf.many || st.ex !== 2) return null;
  const out: { key: string; val: Val }[] = [];
  for (const [k, v] of st.fields ?? []) {
    if (!k.startsWith('[')) continue;
    if (!k.startsWith('[L:')) return null;
    if (v.includes(UNKNOWN)) return null;
    out.push({ key: k.slice(3, -1), val: v });
  }
  if (inf.container === 'array') {
    if (st.len === undefined || st.len !== out.length) return null;
    out.sort((x, y) => Number(x.key) - Number(y.key));
    if (out.some((e, i) => e.key !== String(i))) return null;
  }
  if (out.length === 0 || out.length > MAX_UNROLL) return null;
  return out;
}

/** Whether the loop body may add to the container it iterates (its entries would not be the ones known at the start). */
export function bodyMayGrow(node: ts.ForOfStatement): boolean {
  const name = node.expression.getText().replace(/\.(values|entries)\(\)$/, '');
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(push|set|add|unshift|splice)$/.test(n.expression.name.text) && n.expression.expression.getText() === name) found = true;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && ts.isElementAccessExpression(n.left) && n.left.expression.getText() === name) found = true;
    ts.forEachChild(n, visit);
  };
  visit(node.statement);
  return found;
}

/** Runs a `for…of` over exactly known entries, once per entry. */
export function execExactForOf(an: Analyzer, node: ts.ForOfStatement, entry: State, entries: { key: string; val: Val }[], isMap: boolean, keys = false): State | null {
  const init = node.initializer;
  const d = ts.isVariableDeclarationList(init) ? init.declarations[0] : undefined;
  if (!d) return null;
  const iterations = entries.map((e, i) => {
    const konst: [ts.Symbol, number | string][] = [];
    let keySym: ts.Symbol | undefined;
    if (isMap && ts.isArrayBindingPattern(d.name)) {
      const first = d.name.elements[0];
      if (first && ts.isBindingElement(first) && ts.isIdentifier(first.name)) keySym = an.checker.getSymbolAtLocation(first.name);
    }
    const key: number | string = /^-?\d+$/.test(e.key) ? Number(e.key) : e.key;
    if (keys && ts.isIdentifier(d.name)) keySym = an.checker.getSymbolAtLocation(d.name);
    if (keySym) konst.push([keySym, key]);
    const bind = (st: State): State => {
      let v: Val = keys ? V_UNKNOWN : e.val;
      if (isMap) {
        let t: number;
        [t, st] = an.siteAtom(node, st, () => ({ kind: 'obj', name: 'entry', fresh: false, container: 'array' }), `:entry${i}`);
        st = st.setAtom(t, { ex: 2, len: 2, fields: new Map([['[L:0]', V_UNKNOWN], ['[L:1]', e.val]]) });
        v = [t];
      }
      if (ts.isIdentifier(d.name) && !keys) an.nameAtoms(v, d.name.text, st);
      return an.bindPattern(d.name, v, st, false);
    };
    return { bind, konst, tag: `@${i}` };
  });
  return runIterations(an, node, entry, iterations);
}

function runIterations(an: Analyzer, node: ts.IterationStatement, entry: State, iterations: { bind: (s: State) => State; konst: [ts.Symbol, number | string][]; tag: string }[]): State | null {
  const frame: Frame = an.top();
  const t = { kind: 'loop' as const, node, breaks: [] as State[], continues: [] as State[], localsStart: 0 };
  const exits: State[] = [];
  let cur: State | null = entry;
  an.unrollWork *= Math.max(1, iterations.length);
  try {
    for (const it of iterations) {
      if (!cur) break;
      for (const [sym, k] of it.konst) an.loopConst.set(sym, k);
      an.unrollTags.push(it.tag);
      t.breaks = [];
      t.continues = [];
      t.localsStart = frame.locals.length;
      frame.targets.push(t);
      try {
        let st: State | null = it.bind(cur);
        st = an.exec(node.statement, st);
        if (st) st = an.scopeEnd(st, frame.locals.slice(t.localsStart), null);
        let back: State | null = st;
        for (const c of t.continues) back = join(back, c);
        exits.push(...t.breaks);
        cur = back;
      } finally {
        frame.targets.pop();
        an.unrollTags.pop();
        for (const [sym] of it.konst) an.loopConst.delete(sym);
      }
    }
  } finally {
    an.unrollWork /= Math.max(1, iterations.length);
  }
  if (cur) exits.push(cur);
  const ok = exits.filter((x) => !x.oom);
  const use = ok.length ? ok : exits;
  return use.reduce<State | null>((a, b) => join(a, b), null);
}

/** The constants of an array literal of constants (`[1, 2, 3]`, `['a', 'b']`), or null. */
export function literalList(an: Analyzer, e: ts.Expression, depth = 0): (number | string)[] | null {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
  // A module or function `const` holding such a literal, which nothing changes (`const MSGS = […]`).
  if (ts.isIdentifier(e) && depth === 0) {
    const sym0 = an.checker.getSymbolAtLocation(e);
    const sym = sym0 && resolveAlias(an.checker, sym0);
    const d = sym?.valueDeclaration;
    if (!sym || !d || !ts.isVariableDeclaration(d) || !d.initializer || (ts.getCombinedNodeFlags(d) & NF.Const) === 0 || !ts.isVariableDeclarationList(d.parent)) return null;
    if (mayChange(an, d.getSourceFile(), sym)) return null;
    return literalList(an, d.initializer, depth + 1);
  }
  if (!ts.isArrayLiteralExpression(e) || e.elements.length === 0 || e.elements.length > MAX_UNROLL) return null;
  const out: (number | string)[] = [];
  for (const el of e.elements) {
    if (ts.isSpreadElement(el) || ts.isOmittedExpression(el)) return null;
    const v = constValue(an, el);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

/** Runs a `for…of` over an array literal of constants once per constant, the variable that constant. */
export function execConstForOf(an: Analyzer, node: ts.ForOfStatement, entry: State, values: (number | string)[]): State | null | undefined {
  const init = node.initializer;
  const d = ts.isVariableDeclarationList(init) ? init.declarations[0] : undefined;
  if (!d || !ts.isIdentifier(d.name)) return undefined;
  const sym = an.checker.getSymbolAtLocation(d.name);
  if (!sym || writes(an, node.statement, sym)) return undefined;
  const iterations = values.map((k, i) => ({ bind: (st: State): State => an.bindPattern(d.name, V_UNKNOWN, st, false), konst: [[sym, k] as [ts.Symbol, number | string]], tag: `%${i}` }));
  return runIterations(an, node, entry, iterations);
}

/** `arr.length` of a local array whose length is known on this path, or null. */
const TYPED = /^(Uint8|Int8|Uint8Clamped|Uint16|Int16|Uint32|Int32|Float32|Float64|BigInt64|BigUint64)Array$/;

/**
 * The length of a typed array (which never changes) a `const` or a parameter bound to one holds,
 * when it was made `new Uint8Array(n)` (or `.fill(v)` of that) with n known; else null.
 */
function typedLength(an: Analyzer, e: ts.Expression, depth: number, frameIdx: number): number | null {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (depth > 8) return null;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'fill') return typedLength(an, e.expression.expression, depth + 1, frameIdx);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && TYPED.test(e.expression.text) && e.arguments?.length === 1) {
    const n = constValue(an, e.arguments[0]!, depth + 1, frameIdx);
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
  }
  if (!ts.isIdentifier(e)) return null;
  const sym0 = an.checker.getSymbolAtLocation(e);
  if (!sym0) return null;
  const sym = resolveAlias(an.checker, sym0);
  const d = sym.valueDeclaration;
  if (d && ts.isVariableDeclaration(d) && d.initializer && (ts.getCombinedNodeFlags(d) & NF.Const) !== 0) return typedLength(an, d.initializer, depth + 1, frameIdx);
  if (d && ts.isParameter(d)) {
    for (let i = frameIdx; i >= 0; i--) {
      const b = an.frames[i]!.argNodes.get(sym0) ?? an.frames[i]!.argNodes.get(sym);
      if (!b) continue;
      if (!ts.isFunctionLike(d.parent) || !('body' in d.parent) || !d.parent.body || writes(an, d.parent.body, sym)) return null;
      return typedLength(an, b.node, depth + 1, an.frames.indexOf(b.frame));
    }
  }
  return null;
}

export function lengthOf(an: Analyzer, e: ts.Expression, s: State): number | null {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 'length') return null;
  const a = objAtomOf(an, e.expression, s);
  if (a === null) return null;
  const inf = an.info(a);
  const st = s.atom(a);
  if (inf.container !== 'array' || inf.many || st.esc || st.ex !== 2) return null;
  return st.len ?? null;
}

/** `true`/`false` written as a literal: the boolean, else null (constValue keeps numbers and strings). */
export function boolLiteral(e: ts.Expression): boolean | null {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e.kind === SK.TrueKeyword ? true : e.kind === SK.FalseKeyword ? false : null;
}

/** The key under which a path keeps the constant a variable holds. */
export function varConstKey(sym: ts.Symbol): string {
  return `#v:${symId(sym)}`;
}

/** The key under which a path keeps the constant a field of an object holds. */
export function fieldConstKey(atom: number, name: string): string {
  return `#f:${atom}:${name}`;
}

/**
 * The one object an access path names in the state (`this`, a variable, `this.cache.objs`), or
 * null when it may be several or is not tracked.
 */
export function objAtomOf(an: Analyzer, e: ts.Expression, s: State, depth = 0): number | null {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  let v: Val | undefined;
  if (e.kind === SK.ThisKeyword) v = an.top().thisVal;
  else if (ts.isIdentifier(e)) {
    const sym = an.checker.getSymbolAtLocation(e);
    v = sym ? s.val(sym) : undefined;
  } else if (ts.isPropertyAccessExpression(e) && depth < 6) {
    const o = objAtomOf(an, e.expression, s, depth + 1);
    v = o === null ? undefined : s.atom(o).fields?.get(e.name.text);
  }
  if (!v || v.length !== 1 || v[0]! <= UNKNOWN) return null;
  const a = v[0]!;
  return an.info(a).many || s.atom(a).esc ? null : a;
}

/** `this.max`, `pool.params.cacheSize`: the constant the path set that field to, if any. */
function fieldConst(an: Analyzer, e: ts.PropertyAccessExpression, s: State): number | string | null {
  const o = objAtomOf(an, e.expression, s);
  if (o === null) return null;
  const f = s.facts.get(fieldConstKey(o, e.name.text));
  return typeof f === 'number' || typeof f === 'string' ? f : null;
}
