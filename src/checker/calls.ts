/**
 * Calls, for the abstract interpreter: memdesc's API (applied from its declared effect), the
 * user's own functions, methods, constructors and closures (followed into their bodies with the
 * arguments bound), the containers of the standard library (arrays, Maps, Sets: by key where the
 * key is a literal or a variable: library.ts), continuations (`.then`, timers, async callees past
 * their first `await`), and everything else (an unknown callee: its arguments escape).
 *
 * @module
 */
import { NF, SK, ts } from './ts.js';
import { resolveAlias, type ApiEffect } from './api.js';
import { join, NULL, renameVal, State, union, UNKNOWN, V_NONE, V_NULL, V_UNKNOWN, type Cons, type Fact, type Val } from './state.js';
import { fnName, isAsync, isFunctionLike, shortText, type Analyzer } from './interp.js';
import { SENTENCE_SLEEP } from './rules.js';
import { continuation, heldLocals, suspendPoint } from './async.js';
import { containerCall, escapeAll, forgetPrecise, libCall, litOf, many, truthOf } from './library.js';
import { boolLiteral, constValue, exactEntries, fieldConstKey, isEmptyArray, MAX_UNROLL, varConstKey } from './loops.js';


/** Where a declaration lives: memdesc's API, the user's code (with a body), the standard library, or unknown. */
function declSource(an: Analyzer, decl: ts.Node): 'memdesc' | 'user' | 'lib' | 'unknown' {
  const sf = decl.getSourceFile();
  if (an.isMemdesc(decl)) return 'memdesc';
  if (an.program.isSourceFileDefaultLibrary(sf) || /[\\/]node_modules[\\/](typescript|@types[\\/]node)[\\/]/.test(sf.fileName)) return 'lib';
  if (sf.isDeclarationFile) return 'unknown';
  return 'user';
}

/** The declaration a callee expression names (through imports and re-exports). */
function calleeDecl(an: Analyzer, callee: ts.Expression): ts.Declaration | undefined {
  let node: ts.Node = callee;
  while (ts.isParenthesizedExpression(node as ts.Expression) || ts.isNonNullExpression(node as ts.Expression)) node = (node as ts.ParenthesizedExpression).expression;
  if (ts.isPropertyAccessExpression(node)) node = node.name;
  const sym0 = an.checker.getSymbolAtLocation(node);
  if (!sym0) return undefined;
  const sym = resolveAlias(an.checker, sym0);
  const decls = sym.declarations ?? [];
  const d = decls.find((d) => isFunctionLike(d) && d.body) ?? sym.valueDeclaration ?? decls[0];
  return (d && moduleConstFn(d)) ?? d;
}

/** `const header = (d) => …` at a module's top level: the function, followed as a declaration is. */
function moduleConstFn(d: ts.Declaration): ts.Declaration | null {
  if (!ts.isVariableDeclaration(d) || !d.initializer || !(d.parent.flags & NF.Const) || !ts.isVariableStatement(d.parent.parent) || !ts.isSourceFile(d.parent.parent.parent)) return null;
  let init = d.initializer;
  while (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
  return ts.isArrowFunction(init) || ts.isFunctionExpression(init) ? init : null;
}

/** Evaluates arguments left to right. */
export function evalArgs(an: Analyzer, args: readonly ts.Expression[], s: State): [Val[], State] {
  const out: Val[] = [];
  for (const a of args) {
    if (ts.isSpreadElement(a)) {
      const [v, st] = an.evalExpr(a.expression, s);
      // `ring.push(...batch)` of an array whose entries are all known: those entries, one argument each.
      const exact = v.length === 1 && v[0]! > UNKNOWN && an.info(v[0]!).container === 'array' ? exactEntries(an, v, st) : null;
      if (exact) {
        s = st;
        for (const e of exact) out.push(e.val);
        continue;
      }
      s = an.escape(v, st);
      out.push(V_UNKNOWN);
      continue;
    }
    const [v, st] = an.evalExpr(a, s);
    s = st;
    out.push(v);
  }
  return [out, s];
}

export function callExpr(an: Analyzer, call: ts.CallExpression, s: State): [Val, State] {
  let callee = call.expression;
  // `this.shrinker.scanObjects!(…)`: the method of the non-null receiver.
  if (ts.isNonNullExpression(callee) && ts.isPropertyAccessExpression(callee.expression)) callee = callee.expression;
  if (callee.kind === SK.SuperKeyword) {
    const [args, st] = evalArgs(an, call.arguments, s);
    const cls = ts.findAncestor(call, ts.isClassLike);
    const base = cls && extendsOf(cls);
    if (base) {
      const sym = an.checker.getSymbolAtLocation(base.expression);
      const decl = sym && resolveAlias(an.checker, sym).valueDeclaration;
      if (decl && ts.isClassDeclaration(decl) && declSource(an, decl) === 'user') return [V_UNKNOWN, runConstructor(an, decl, an.top().thisVal, args, call.arguments, st, call)];
    }
    return [V_UNKNOWN, escapeAll(an, args, st)];
  }
  // obj.method(…): the receiver first.
  let recv: Val | null = null;
  let method: string | null = null;
  if (ts.isPropertyAccessExpression(callee)) {
    let st: State;
    [recv, st] = an.evalExpr(callee.expression, s);
    s = st;
    method = callee.name.text;
  } else if (ts.isElementAccessExpression(callee)) {
    [recv, s] = an.evalExpr(callee.expression, s);
  }
  const decl = calleeDecl(an, callee);
  const source = decl ? declSource(an, decl) : 'unknown';

  // memdesc's API (read from an overload's signature when there are overloads: the
  // implementation's own signature is untyped — `freePages(page: Owned<Page>, order: number)`).
  if (decl && source === 'memdesc' && isFunctionLike(decl)) {
    const sym = decl.name ? an.checker.getSymbolAtLocation(decl.name) : undefined;
    const overload = sym?.declarations?.find((d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && !d.body);
    const eff = an.apiEffect((overload ?? decl) as ts.SignatureDeclaration);
    if (eff) return applyApi(an, eff, call, s);
    const [args, st] = evalArgs(an, call.arguments, s);
    return [V_UNKNOWN, usesOf(an, args, call, st, decl)];
  }

  // Containers and other standard-library methods.
  if (recv && method !== null) {
    const c = containerCall(an, call, recv, method, s, source);
    if (c) return c;
  }

  // A closure or function value held in a variable or field.
  let fnVal: Val | null = null;
  // Called through an element of a container: each call may be another instance of the closure
  // (made in a loop, with other captured values), so what it consumes is consumed maybe.
  let oneOfMany = false;
  if (ts.isIdentifier(callee)) {
    const sym = an.checker.getSymbolAtLocation(callee);
    let v = sym && s.val(sym);
    // An element of a container of closures (`for (const cb of callbacks) cb()`): one of them.
    if (v && v.length === 1 && v[0]! > UNKNOWN) {
      const alts = (s.atom(v[0]!) as { alts?: Val }).alts;
      if (alts && alts.length && alts.every((a) => a > UNKNOWN && an.info(a).kind === 'func')) {
        v = alts;
        oneOfMany = true;
      }
    }
    if (v && v.some((a) => a > UNKNOWN && an.info(a).kind === 'func')) fnVal = v;
  } else if (recv && method !== null && an.shrinkerFns.has(method) && an.isShrinker((callee as ts.PropertyAccessExpression).expression)) {
    fnVal = an.shrinkerFns.get(method)!;
  } else if (recv && method !== null) {
    // Through what an element read from a container may be (`pending.shift()!.cb()`).
    const refs = an.throughAlts(recv, s).filter((a) => a > UNKNOWN);
    const held = refs.map((a) => s.atom(a).fields?.get(method!)).filter((x): x is Val => !!x);
    if (held.length && held.some((v) => v.some((a) => a > UNKNOWN && an.info(a).kind === 'func'))) fnVal = held.reduce((a, b) => union(a, b), V_NONE);
  } else if (!ts.isPropertyAccessExpression(callee) && !ts.isIdentifier(callee)) {
    const [v, st] = an.evalExpr(callee, s);
    s = st;
    if (v.some((a) => a > UNKNOWN && an.info(a).kind === 'func')) fnVal = v;
  }
  if (fnVal) {
    const fns = fnVal.filter((a) => a > UNKNOWN && an.info(a).kind === 'func');
    if (fns.length === 1 && !fnVal.includes(UNKNOWN)) {
      const [args, st] = evalArgs(an, call.arguments, s);
      const fn = an.info(fns[0]!).fn!;
      if (an.isMemdesc(fn)) {
        const eff = an.apiEffect(fn);
        if (eff) return applyApiArgs(an, eff, call, args, st);
      }
      if (!oneOfMany && !an.manyFns.has(fn)) return invoke(an, fn, args, call.arguments, recv ?? V_UNKNOWN, st, call);
      an.weak++;
      try {
        // Instances made in a loop each kept their own captured values: which one this call
        // reaches is not known, so those values are not followed.
        if (!an.manyFns.has(fn)) return invoke(an, fn, args, call.arguments, recv ?? V_UNKNOWN, st, call);
        // Instances made in a loop each kept their own captured values: the call sees one of them
        // (a use is reported only when every one is dead; a consumption is maybe).
        const { state: bound, restore } = an.bindKeptUnion(fn, st);
        const [r, out] = invoke(an, fn, args, call.arguments, recv ?? V_UNKNOWN, bound, call);
        return [r, restore(out)];
      } finally {
        an.weak--;
      }
    }
    if (fns.length > 1 && fns.length <= 4 && !fnVal.includes(UNKNOWN) && fns.every((a) => !an.isMemdesc(an.info(a).fn!))) {
      // One of several closures: each may be the one called (what they consume, they consume maybe).
      const [args, st0] = evalArgs(an, call.arguments, s);
      let out: State | null = null;
      let ret: Val = V_NONE;
      an.weak++;
      try {
        for (const f of fns) {
          const [r, st] = invoke(an, an.info(f).fn!, args, call.arguments, recv ?? V_UNKNOWN, st0, call);
          ret = union(ret, r);
          out = join(out, st);
        }
      } finally {
        an.weak--;
      }
      return [ret, out ?? st0];
    }
    // A closure the checker cannot pick out: what it captures may be used now.
    if (!decl || source !== 'user' || !isFunctionLike(decl) || !decl.body) s = an.escape(fns, s);
  }

  // A user function or method with a body.
  if (decl && source === 'user' && isFunctionLike(decl) && decl.body) {
    const [args, st] = evalArgs(an, call.arguments, s);
    const thisVal = recv ?? V_UNKNOWN;
    return invoke(an, decl, args, call.arguments, thisVal, st, call);
  }

  // A declared assertion consumer without a body (`declare function release(p): asserts p is P & Consumed`).
  if (decl && isFunctionLike(decl)) {
    const eff = an.apiEffect(decl as ts.SignatureDeclaration);
    if (eff?.consumes) return applyApi(an, eff, call, s);
  }

  // `Array.from({ length: n }, () => v)`: a local array of what the callback returns.
  if (source === 'lib' && method === 'from' && callee.getText() === 'Array.from' && call.arguments.length === 2) {
    const [len, fn] = call.arguments;
    if (len && ts.isObjectLiteralExpression(len) && len.properties.length === 1 && len.properties[0]!.name?.getText() === 'length' && fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
      let st = an.evalExpr(len, s)[1];
      let ret: Val;
      [ret, st] = invoke(an, fn, [V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, st, call, () => (an.top().callback = true));
      let id: number;
      [id, st] = an.siteAtom(call, st, () => ({ kind: 'obj', name: '', fresh: false, container: 'array' }));
      st = st.setAtom(id, { ex: 2, fields: new Map([['[*]', ret]]) });
      return [[id], st];
    }
  }
  const [args, st] = evalArgs(an, call.arguments, s);
  if (source === 'lib') return libCall(an, call, method ?? (ts.isIdentifier(callee) ? callee.text : ''), recv, args, st);
  // Unknown code: whatever it is given escapes.
  let out = escapeAll(an, args, st);
  if (recv && source !== 'user') out = an.escape(recv, out);
  // A function value the checker did not follow (a callback field of an element it lost track
  // of: `pending.shift()!.cb(0)`): it may be any closure made so far, so what they capture may
  // be consumed now.
  // (Not a library's declared function value, such as vitest's `expect`: it calls nothing of yours.)
  if (!decl || (source === 'user' && !isFunctionLike(decl))) {
    const closures = new Set<number>();
    const look = (v: Val): void => {
      for (const a of v) if (a > UNKNOWN && an.info(a).kind === 'func') closures.add(a);
    };
    for (const v of out.env.values()) look(v);
    for (const st of out.atoms.values()) if (st.fields) for (const v of st.fields.values()) look(v);
    if (closures.size) out = an.escape([...closures], out);
  }
  return [V_UNKNOWN, out];
}


/** memdesc functions that take handles use them: each must be live. */
function usesOf(an: Analyzer, args: Val[], call: ts.CallExpression, s: State, decl: ts.Node): State {
  const name = isFunctionLike(decl) ? fnName(decl) : 'memdesc';
  args.forEach((v, i) => an.use(v, s, call.arguments[i] ?? call, `${name}() uses it here`));
  return s;
}

function applyApi(an: Analyzer, eff: ApiEffect, call: ts.CallExpression, s: State): [Val, State] {
  const [args, st] = evalArgs(an, call.arguments, s);
  return applyApiArgs(an, eff, call, args, st);
}

function applyApiArgs(an: Analyzer, eff: ApiEffect, call: ts.CallExpression, args: Val[], s: State): [Val, State] {
  const frame = an.top();
  let cbDone: State | null = null;
  // Uses: every argument but the consumed one and the callback must be a live handle.
  args.forEach((v, i) => {
    if (i === eff.consumes?.index || i === eff.callback?.index || i === eff.tolerates) return;
    if (eff.memdesc) an.use(v, s, call.arguments[i] ?? call, `${eff.name}() uses it here`);
  });
  // allocPagesBulk(): the array it is given (a local one) holds new owned pages in some slots.
  if (eff.fills !== undefined) {
    const arr = args[eff.fills] ?? V_UNKNOWN;
    const one = arr.length === 1 ? arr[0]! : -1;
    if (one > UNKNOWN && an.info(one).container === 'array' && !s.atom(one).esc) {
      let id: number;
      [id, s] = an.siteAtom(call, s, () => ({ kind: 'ref', name: '', fresh: true, what: 'page', madeBy: eff.name, line: an.rootLine(call), allocNode: call, many: true }));
      s = s.setAtom(id, { ex: 2, nul: 0, refs: 1 });
      s = an.writeElem(arr, null, union([id], V_NULL), s, call);
    }
  }
  // A list_lru item is kept by the list: what it holds lives on (stored, no leak) and stays
  // tracked — the list hands it back only to a walk's isolate callback.
  if (eff.keeps !== undefined && args[eff.keeps]) {
    const v = args[eff.keeps]!;
    s = an.store([...v.filter((a) => a > UNKNOWN && an.info(a).kind === 'ref'), ...an.heldBy(v.filter((a) => a > UNKNOWN && an.info(a).kind === 'obj'), s)], s, call, false);
  }
  args.forEach((v, i) => {
    if (i === eff.callback?.index || i === eff.fills || i === eff.keeps || i === eff.reads) return;
    const objs = v.filter((a) => a > UNKNOWN && an.info(a).kind === 'obj' && !an.info(a).lru);
    if (objs.length) s = an.escape(objs, s);
  });
  // Sleeping.
  if (frame.atomic) {
    if (eff.sleeps) an.sleeping(call, `${eff.name}()`, s);
    else if (eff.gfp !== undefined) {
      const g = call.arguments[eff.gfp];
      const ctx = call.arguments[0];
      if (g && ctx && an.isProcessCtx(ctx, frame) && an.gfpMaySleep(g, frame)) an.sleeping(call, `${eff.name}() with ${shortText(g)}`, s);
    }
  }
  // Consumption.
  if (eff.consumes) {
    const v = args[eff.consumes.index];
    const argNode = call.arguments[eff.consumes.index];
    if (v && argNode) s = an.consume(v, s, eff.consumes.kind, eff.name, call, argNode);
  }
  // Callbacks.
  let ret: Val = V_UNKNOWN;
  // A list_lru the function made: its items are known in order while every add was; a walk of
  // n ≥ 1 items over k known ones calls isolate on the first min(n, k), each once.
  const lru = eff.list && eff.list !== 'init' ? lruOf(an, args[0], s) : null;
  if (lru !== null && eff.list === 'add' && args[1]) {
    const len = s.atom(lru).len;
    s = an.writeElem([lru], len === undefined ? null : `[L:${len}]`, args[1], s, call);
  }
  if (lru !== null && eff.list === 'del') s = forgetPrecise(s, lru);
  let walked = false;
  if (lru !== null && eff.list === 'walk' && eff.callback) {
    const cb = args[eff.callback.index] ?? V_NONE;
    const fns = cb.filter((a) => a > UNKNOWN && an.info(a).kind === 'func');
    const n = constValue(an, call.arguments[2]!, 0, an.frames.length - 1, s);
    const st = s.atom(lru);
    const entries = isEmptyArray(st) ? [] : exactEntries(an, [lru], s);
    if (fns.length === 1 && cb.length === 1 && typeof n === 'number' && n >= 1 && entries) {
      const fn = an.info(fns[0]!).fn!;
      const setup = (): void => {
        const f = an.top();
        f.callback = true;
        f.atomic = { line: an.line(call), depth: an.frames.length - 2 };
      };
      for (const e of entries.slice(0, n)) s = invoke(an, fn, [e.val, V_UNKNOWN], [], V_UNKNOWN, s, call, setup)[1];
      // Which items isolate removed is its return value's business: what is left is each of them maybe.
      if (entries.length) s = forgetPrecise(s, lru);
      walked = true;
    }
  }
  if (eff.callback && !walked) {
    const cb = args[eff.callback.index];
    const fns = cb ? cb.filter((a) => a > UNKNOWN && an.info(a).kind === 'func') : [];
    if (cb && fns.length === 1) {
      const fn = an.info(fns[0]!).fn!;
      // An async critical section: it would sleep (await) with the lock held — refused at run time.
      if (eff.callback.atomic && isAsync(fn)) an.reportAt(call, 'sleep-in-atomic', `sleep in atomic context: the withSpinLock() callback is async${an.through()}: an await inside it would sleep with the spinlock held (SLEEP_IN_ATOMIC before it runs); ${SENTENCE_SLEEP}`);
      const mapped = eff.callback.maps !== undefined ? args[eff.callback.maps] : undefined;
      const setup = (): void => {
        const f = an.top();
        f.callback = true;
        if (eff.callback!.atomic) f.atomic = { line: an.line(call), depth: an.frames.length - 2 };
        if (mapped) for (const a of mapped) if (a > UNKNOWN) f.mapped.push({ base: s.atom(a).base ?? a, line: an.line(call), depth: an.frames.length - 2 });
      };
      if (eff.callback.mode === 'once') {
        [ret, s] = invoke(an, fn, [V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, s, call, setup);
        cbDone = s;
      } else {
        s = many(an, s, (st) => invoke(an, fn, [V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, st, call, setup)[1]);
      }
    } else if (cb) s = an.escape(cb, s);
  }
  if (eff.list === 'init') {
    let id: number;
    [id, s] = an.siteAtom(call, s, () => ({ kind: 'obj', name: 'list_lru', fresh: false, container: 'array', lru: true }));
    s = s.setAtom(id, { ex: 2, fields: new Map(), len: 0 });
    ret = [id];
  }
  // The result.
  if (eff.returns) {
    const r = eff.returns;
    if (r.kind === 'alloc') {
      let id: number;
      [id, s] = an.siteAtom(call, s, () => ({ kind: 'ref', name: '', fresh: true, what: r.what, madeBy: eff.name, line: an.rootLine(call), allocNode: call }));
      s = s.setAtom(id, { ex: 2, nul: r.nullable ? 1 : 0, refs: 1 });
      ret = [id];
    } else {
      const src = args[r.of ?? 0] ?? V_UNKNOWN;
      const refs = src.filter((a) => a > UNKNOWN && an.info(a).kind === 'ref');
      if (refs.length === 1 && !src.includes(UNKNOWN) && !s.atom(refs[0]!).esc) {
        const a = refs[0]!;
        const base = s.atom(a).base ?? a;
        const fresh = r.kind === 'ref';
        let id: number;
        [id, s] = an.siteAtom(call, s, () => ({ kind: 'ref', name: '', fresh, what: r.what, madeBy: eff.name, line: an.rootLine(call) }));
        s = s.setAtom(id, { ex: 2, nul: r.nullable ? 1 : 0, base });
        // A new counted reference (folioGet, getPage) raises the count; a lock guard does not.
        if (r.kind === 'ref' && eff.consumes?.kind !== 'move' && r.what !== 'folio lock') {
          const b = s.atom(base);
          if (b.refs !== undefined) s = s.update(base, { refs: b.refs + 1 });
        }
        if (eff.consumes?.kind === 'move') s = s.update(base, { refs: undefined as unknown as number });
        ret = [id];
      } else if (r.kind === 'ref' && refs.length === 0 && !src.includes(UNKNOWN)) {
        ret = V_UNKNOWN;
      } else {
        ret = V_UNKNOWN;
      }
    }
  }
  // `withSpinLock(l, () => … return false)`: its result is the callback's, constant included.
  const k = cbDone && !eff.returns ? an.callConst.get(call) : undefined;
  if (k && k.after === cbDone) an.callConst.set(call, { k: k.k, after: s });
  else if (cbDone) an.callConst.delete(call);
  return [ret, s];
}


/**
 * Follows a call into a function's body: parameters bound to the arguments, `this` to the
 * receiver; the result joins every return.
 */
export function invoke(
  an: Analyzer,
  fn: ts.SignatureDeclaration,
  args: Val[],
  argNodes: readonly ts.Expression[],
  thisVal: Val,
  s: State,
  call: ts.Node,
  setup?: () => void,
): [Val, State] {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  // While a loop's fixpoint is sought, a call too deep to follow now is followed by the reporting
  // passes: it changes nothing here (escaping its arguments would silence them for good).
  if (body && an.mute > 0 && an.canFollowUnmuted() && !an.canFollow() && !an.inStack(fn) && !fn.getSourceFile().isDeclarationFile) return [V_UNKNOWN, s];
  if (!body || !an.canFollow() || an.inStack(fn) || fn.getSourceFile().isDeclarationFile) {
    // Not followed: an assertion signature still says what it consumes.
    const eff = an.apiEffect(fn);
    if (eff?.consumes) {
      const v = args[eff.consumes.index];
      const n = argNodes[eff.consumes.index];
      if (v && n) s = an.consume(v, s, eff.consumes.kind, eff.name, call, n);
    }
    for (const a of args) s = an.escape(a, s);
    return [V_UNKNOWN, s];
  }
  an.followed++;
  const parent = an.top();
  const async = isAsync(fn);
  const arrowThis = ts.isArrowFunction(fn) ? parent.thisVal : thisVal;
  // Constant arguments, read in the caller's frame: the parameters hold them on this call.
  const argConsts = argNodes.map((n) => (n && !ts.isSpreadElement(n) ? constValue(an, n, 0, an.frames.length - 1, s) : null));
  const frame = an.pushFrame(fn, fnName(fn), call, arrowThis, async);
  setup?.();
  const savedSusp = s.susp;
  const parentRoot = an.frames.length === 2;
  let st = s.withSusp(parentRoot ? 0 : async ? (s.susp === 2 ? 2 : 0) : s.susp);
  const savedDeferred = an.deferred;
  an.deferred = [];
  const firstAtom = an.atoms.length;
  try {
    st = an.bindCaptures(fn, frame, st);
    fn.parameters.forEach((p, i) => {
      let v = args[i];
      if (p.dotDotDotToken) {
        for (const rest of args.slice(i)) st = an.escape(rest, st);
        v = V_UNKNOWN;
      } else if (v === undefined || (p.initializer && v.includes(NULL))) {
        if (p.initializer) {
          let d: Val;
          [d, st] = an.evalExpr(p.initializer, st);
          v = v ? union(v.filter((a) => a !== NULL), d) : d;
        } else v = V_NULL;
      }
      const n = argNodes[i];
      if (ts.isIdentifier(p.name)) {
        const sym = an.checker.getSymbolAtLocation(p.name);
        if (sym && n && !ts.isSpreadElement(n)) frame.argNodes.set(sym, { node: n, frame: parent });
      }
      st = an.bindPattern(p.name, v, st, true);
      const k = argConsts[i] ?? (n === undefined && p.initializer ? constValue(an, p.initializer, 0, an.frames.length - 1, st) : null);
      if (ts.isIdentifier(p.name)) st = an.setConst(p.name, k, st);
      // Parameter properties: `constructor(readonly mem: Memory)`.
      if (ts.isConstructorDeclaration(fn) && ts.getModifiers(p)?.some((m) => m.kind === SK.PublicKeyword || m.kind === SK.PrivateKeyword || m.kind === SK.ProtectedKeyword || m.kind === SK.ReadonlyKeyword) && ts.isIdentifier(p.name)) {
        st = an.writeField(frame.thisVal, p.name.text, v, st, p);
        // The name of a parameter property is the property's symbol; the body reads the parameter's.
        const [paramSym] = an.checker.getSymbolsOfParameterPropertyDeclaration(p, p.name.text);
        if (paramSym && !st.val(paramSym)) {
          frame.locals.push(paramSym);
          st = st.setVar(paramSym, v);
          if (k !== null) st = st.withFact(varConstKey(paramSym), k);
        }
        const o = frame.thisVal.length === 1 ? frame.thisVal[0]! : -1;
        if (o > UNKNOWN && k !== null) st = st.withFact(fieldConstKey(o, p.name.text), k);
      }
    });
    let end: State | null;
    // An async helper the analysed function does not await here: the statements after its first
    // `await` run at the caller's next one (async.ts).
    const at = async && ts.isBlock(body) ? suspendPoint(an, fn, body.statements, call) : -1;
    if (ts.isBlock(body)) end = an.execStatements(at >= 0 ? body.statements.slice(0, at + 1) : body.statements, st);
    else {
      const [v, s2] = an.evalExpr(body, st);
      frame.returns.push({ state: s2, val: v, line: an.line(body), node: body });
      end = null;
    }
    // The callee's exits taken because an allocation failed (`if (!next) return false`) do not
    // decide what the caller sees of the handles when another exit exists: allocations succeed.
    {
      const aligned = an.alignAging([...frame.returns.map((r) => r.state), ...(end ? [end] : [])], frame);
      frame.returns.forEach((r, i) => (r.state = aligned[i]!));
      if (end) end = aligned[aligned.length - 1]!;
      for (const id of frame.aged) parent.aged.add(id);
    }
    const ok = frame.returns.filter((r) => !r.state.oom);
    const exits = (end && !end.oom) || ok.length ? ok : frame.returns;
    let out: State | null = end && (!end.oom || exits === frame.returns) ? end : null;
    let ret: Val = out ? V_NULL : V_NONE;
    for (const r of exits) {
      ret = union(ret, r.val);
      out = join(out, r.state);
    }
    if (!out && end) out = end;
    // An exit taken because an allocation failed that the caller can tell by the result (`return
    // false` where every other exit returns true): a caller testing the result goes on from it on
    // that side (evalCond), so the handles there are as that exit left them.
    let failedOut: { state: State; truthy: boolean } | null = null;
    if (out && exits !== frame.returns && ok.length && !end) {
      const failed = frame.returns.filter((r) => r.state.oom);
      const okT = new Set(ok.map((r) => truthOf(r.lit ?? litOf(an, r.node))));
      const badT = new Set(failed.map((r) => truthOf(r.lit ?? litOf(an, r.node))));
      if (okT.size === 1 && badT.size === 1 && !okT.has(null) && !badT.has(null) && [...okT][0] !== [...badT][0]) {
        let bad: State | null = null;
        for (const r of failed) bad = join(bad, r.state);
        if (bad) failedOut = { state: bad, truthy: [...badT][0]! };
      }
    }
    // Every exit returns a constant, truthy on some and falsy on others (`return false` before the
    // argument is stored, `return true` after): a caller testing the result goes on from each kind.
    // What each exit returns, as a constant (litOf: `return;` is 'undefined'), or null.
    const lits = !async && !failedOut ? exits.map((r) => r.lit ?? litOf(an, r.node)) : null;
    let condOut: { t: State; f: State } | null = null;
    if (out && !end && lits && exits.length > 1 && !lits.includes(null)) {
      let t: State | null = null;
      let f: State | null = null;
      exits.forEach((r, i) => {
        if (truthOf(lits[i]!)) t = join(t, r.state);
        else f = join(f, r.state);
      });
      if (t && f) condOut = { t, f };
    }
    if (!out) {
      // Every path throws: nothing after the call runs on them; keep the state as it was (a
      // statement that is only this call ends its path there).
      out = s;
      ret = V_UNKNOWN;
      an.noReturn.add(call);
    }
    // What the locals of a suspended body hold is the continuation's.
    const held = at >= 0 && end ? heldLocals(frame, end) : V_NONE;
    const finish = (o: State): State => {
      o = an.keepCaptures(fn, frame.locals, o, ret).delVars(frame.locals).withSusp(savedSusp);
      // What the callee made and dropped is its own business (its own analysis reports the leak).
      let reach: Set<number> | null = null;
      for (const [id, st] of o.atoms) {
        if (id < firstAtom || st.esc || !an.info(id).fresh) continue;
        reach ??= an.reachable(o, held.length ? union(ret, held) : ret);
        if (!reach.has(id)) o = o.update(id, { esc: true });
      }
      return o;
    };
    // finish() of the state one kind of exit leaves, with what those exits return.
    const fin = (o: State, rv: Val): State => {
      const saved = ret;
      ret = rv;
      try {
        return finish(o);
      } finally {
        ret = saved;
      }
    };
    // A throw the callee does not catch, in a try of the caller: its catch starts from there too.
    if (frame.thrown.length) {
      const c = [...parent.targets].reverse().find((t) => t.kind === 'catch' || t.kind === 'finally');
      for (const t of frame.thrown) {
        const st2 = fin(t, V_NONE);
        if (c?.kind === 'catch') (c.throws ??= []).push(st2);
        else if (!c && an.frames.length > 2) parent.thrown.push(st2);
      }
    }
    const given = givenAway(an, args, s, exits, end, frame.thisVal);
    // Exits that return null beside exits that return an object: kept apart for the caller.
    const nulExits = exits.filter((r) => r.val.length > 0 && r.val.every((a) => a === NULL));
    const objExits = exits.filter((r) => r.val.length > 0 && !r.val.includes(NULL) && !r.val.includes(UNKNOWN) && r.val.every((a) => a > UNKNOWN));
    if (an.splitWanted === call && !end && nulExits.length && objExits.length && nulExits.length + objExits.length === exits.length && an.deferred.length === 0) {
      let nul: State | null = null;
      let obj: State | null = null;
      let objRet: Val = V_NONE;
      for (const r of nulExits) nul = join(nul, r.state);
      for (const r of objExits) (obj = join(obj, r.state)), (objRet = union(objRet, r.val));
      an.splitExits.set(call, [
        { state: fin(nul!, V_NULL), ret: V_NULL },
        { state: fin(obj!, objRet), ret: objRet },
      ]);
    } else if (an.splitWanted === call && !end && exits.length > 1 && exits.length <= 4 && an.deferred.length === 0 && distinctObjects(an, exits)) {
      // Each exit returns its own object (`{ status: 'collapsed', huge }`, `{ status: 'no-memory' }`):
      // one path per exit, so a test of the object's discriminant meets only what that exit left.
      an.splitExits.set(call, exits.map((r) => ({ state: fin(r.state, r.val), ret: r.val })));
    } else an.splitExits.delete(call);
    out = finish(out);
    for (const g of given) out = handOver(an, g, out, call);
    const failedState = failedOut ? { call, state: finish(failedOut.state), truthy: failedOut.truthy } : null;
    const deferred = an.deferred;
    an.deferred = savedDeferred;
    if (at >= 0 && end && ts.isBlock(body)) deferred.push(continuation(an, frame, body.statements.slice(at + 1), end, finish));
    if (deferred.length) {
      if (parentRoot) out = out.withPending([...out.pending, ...deferred]);
      else an.deferred.push(...deferred);
    }
    if (failedState && deferred.length === 0) an.failedExits.set(call, { ...failedState, after: out });
    if (condOut && deferred.length === 0) an.condExits.set(call, { t: finish(condOut.t), f: finish(condOut.f), after: out });
    else an.condExits.delete(call);
    const k = lits && exits.length === frame.returns.length && deferred.length === 0 ? sameLit(end ? [...lits, 'undefined'] : lits) : null;
    if (k !== null) an.callConst.set(call, { k, after: out });
    else an.callConst.delete(call);
    return [ret.length ? ret : V_UNKNOWN, out];
  } finally {
    an.frames.pop();
    if (an.deferred !== savedDeferred && an.frames.length > 0) an.deferred = savedDeferred;
  }
}

/** Whether each exit returns one object literal of its own, none of them another exit's. */
function distinctObjects(an: Analyzer, exits: readonly { val: Val }[]): boolean {
  const seen = new Set<number>();
  for (const r of exits) {
    if (r.val.length !== 1) return false;
    const a = r.val[0]!;
    if (a <= UNKNOWN || seen.has(a) || an.info(a).kind !== 'obj' || an.info(a).container !== 'object' || an.info(a).instance) return false;
    seen.add(a);
  }
  return true;
}

/**
 * The one constant every exit of a followed call returns (litOf of each, a fall-through's
 * 'undefined' included), as a fact: true or false for a boolean, null or undefined, the number or string itself; else null.
 */
function sameLit(lits: readonly (string | null)[]): Fact | null {
  const lit = lits[0];
  if (lit === null || lit === undefined || lits.some((l) => l !== lit)) return null;
  if (lit.startsWith('number:')) return Number(lit.slice(7));
  if (lit.startsWith('string:')) return lit.slice(7);
  return truthOf(lit);
}

/**
 * The handles a call takes over as Rust's by-value parameter does: on some of the callee's exits
 * it frees the argument, on every other exit it keeps it in the receiver or another argument's
 * object (`pool.put(p)`: recycled into `this.free`, or freed when the pool is full), and it says
 * nothing back (it returns no value). The caller cannot tell which happened, so its own
 * references to the handle are dead after the call; the holder's are not.
 */
function givenAway(an: Analyzer, args: Val[], before: State, exits: readonly { state: State; val: Val }[], end: State | null, thisVal: Val): { atom: number; cons: Cons; holder: string }[] {
  if (!exits.every((r) => r.val.every((a) => a === NULL))) return [];
  const states = [...exits.map((r) => r.state), ...(end ? [end] : [])];
  if (states.length === 0 || states.some((st) => st.oom)) return [];
  const out: { atom: number; cons: Cons; holder: string }[] = [];
  args.forEach((v, i) => {
    if (v.length === 0 || v.length > 4 || v.includes(UNKNOWN)) return;
    for (const a of v) if (a !== NULL) takeOver(a, i);
  });
  return out;

  function takeOver(a: number, i: number): void {
    const b = before.atom(a);
    if (an.info(a).kind !== 'ref' || b.cons || b.esc) return;
    const holders = [...thisVal, ...args.filter((_, j) => j !== i).flat()].filter((x) => x > UNKNOWN && an.info(x).kind === 'obj');
    if (holders.length === 0) return;
    // Cheap test first: freed on no exit, nothing was given away.
    if (!states.some((st) => st.atom(a).cons)) return;
    let cons: Cons | null = null;
    let kept = false;
    for (const st of states) {
      // An exit state may join paths (an if/else that frees on one side and keeps on the other).
      const c = st.atom(a).cons;
      if (st.atom(a).esc || c?.kind === 'move') return;
      if (c?.must) cons ??= c;
      else if (an.heldBy(holders, st).includes(a)) {
        kept = true;
        if (c) cons ??= c;
      } else return;
    }
    if (cons && kept) out.push({ atom: a, cons, holder: an.top().name });
  }
}

/** The caller's variables that held a handle the call took over now hold a dead stand-in for it. */
function handOver(an: Analyzer, g: { atom: number; cons: Cons; holder: string }, s: State, call: ts.Node): State {
  const inf = an.info(g.atom);
  let stand: number;
  [stand, s] = an.siteAtom(call, s, () => ({ kind: 'ref', name: inf.name, fresh: false, ...(inf.what ? { what: inf.what } : {}) }), `:given:${g.atom}`);
  s = s.setAtom(stand, { ex: 2, nul: 0, cons: { ...g.cons, must: true, orKept: g.holder } });
  for (const [sym, v] of s.env) if (v.includes(g.atom)) s = s.setVar(sym, v.map((x) => (x === g.atom ? stand : x)));
  return s;
}

/** Field initialisers, then the constructor body, with `this` bound to the new object. */
function runConstructor(an: Analyzer, cls: ts.ClassLikeDeclaration, thisVal: Val, args: Val[], argNodes: readonly ts.Expression[], s: State, call: ts.Node): State {
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && m.initializer && !ts.getModifiers(m)?.some((x) => x.kind === SK.StaticKeyword) && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name))) {
      const frameThis = an.top().thisVal;
      (an.top() as { thisVal: Val }).thisVal = thisVal;
      const [v, st] = an.evalExpr(m.initializer, s);
      const k = constValue(an, m.initializer, 0, an.frames.length - 1, st) ?? boolLiteral(m.initializer);
      (an.top() as { thisVal: Val }).thisVal = frameThis;
      s = an.writeField(thisVal, m.name.text, v, st, m);
      if (k !== null && thisVal.length === 1 && thisVal[0]! > UNKNOWN) s = s.withFact(fieldConstKey(thisVal[0]!, m.name.text), k);
    }
  }
  const ctor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  if (ctor) return invoke(an, ctor, args, argNodes, thisVal, s, call)[1];
  const base = extendsOf(cls);
  if (base) {
    const sym = an.checker.getSymbolAtLocation(base.expression);
    const decl = sym && resolveAlias(an.checker, sym).valueDeclaration;
    if (decl && ts.isClassDeclaration(decl) && declSource(an, decl) === 'user') return runConstructor(an, decl, thisVal, args, argNodes, s, call);
    return escapeAll(an, args, s);
  }
  return s;
}

export function constructNew(an: Analyzer, e: ts.NewExpression, s: State): [Val, State] {
  const [args, st0] = evalArgs(an, e.arguments ?? [], s);
  let st = st0;
  const sym0 = an.checker.getSymbolAtLocation(e.expression);
  const sym = sym0 && resolveAlias(an.checker, sym0);
  const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
  const source = decl ? declSource(an, decl) : 'unknown';
  if (decl && source === 'lib') {
    const name = sym!.name;
    const kind = name === 'Map' || name === 'WeakMap' ? 'map' : name === 'Set' || name === 'WeakSet' ? 'set' : name === 'Array' ? 'array' : null;
    if (kind) {
      let id: number;
      [id, st] = an.siteAtom(e, st, () => ({ kind: 'obj', name: '', fresh: false, container: kind }));
      const init = args[0];
      let fields = new Map<string, Val>();
      if (init && kind !== 'array') {
        // new Map(entries) / new Set(values): contents we cannot place precisely.
        st = an.escape(init, st);
        fields = new Map([['[*]', V_UNKNOWN]]);
      }
      // `new Array(n)` of a known small n: n empty slots, a length the array keeps until it changes.
      const n0 = kind === 'array' && args.length === 1 && e.arguments?.[0] ? constValue(an, e.arguments[0], 0, an.frames.length - 1, st) : null;
      const len = typeof n0 === 'number' && Number.isInteger(n0) && n0 >= 0 && n0 <= MAX_UNROLL ? n0 : undefined;
      st = st.setAtom(id, { ex: 2, fields, ...(len !== undefined ? { len } : {}) });
      return [[id], st];
    }
    // Other library objects (Promise, Error, typed arrays): callbacks run now, arguments are read.
    for (const a of args) {
      const fns = a.filter((x) => x > UNKNOWN && an.info(x).kind === 'func');
      if (fns.length === 1 && name === 'Promise') st = invoke(an, an.info(fns[0]!).fn!, [V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, st, e, () => (an.top().callback = true))[1];
      else if (fns.length) st = an.escape(a, st);
      else if (name !== 'Uint8Array' && name !== 'Error' && name !== 'RangeError' && name !== 'TypeError') st = an.escape(a, st);
    }
    return [V_UNKNOWN, st];
  }
  if (decl && source === 'user' && (ts.isClassDeclaration(decl) || ts.isClassExpression(decl))) {
    const [id, st1, aged] = an.siteAtom(e, st, () => ({ kind: 'obj', name: '', fresh: false, container: 'object', instance: true }));
    st = st1.setAtom(id, { ex: 2, fields: new Map() });
    // Made again (a loop): the arguments read before name the previous instance by its older one.
    st = runConstructor(an, decl, [id], aged ? args.map((v) => renameVal(v, aged)) : args, e.arguments ?? [], st, e);
    return [[id], st];
  }
  return [V_UNKNOWN, escapeAll(an, args, st)];
}

/** The `extends X` expression of a class, if any. */
function extendsOf(cls: ts.ClassLikeDeclaration): ts.ExpressionWithTypeArguments | undefined {
  return cls.heritageClauses?.find((h) => h.token === SK.ExtendsKeyword)?.types[0];
}

/** The list_lru a value is, when it is one the analysis made (`listLruInit`), else null. */
function lruOf(an: Analyzer, v: Val | undefined, s: State): number | null {
  if (!v || v.length !== 1 || v[0]! <= UNKNOWN) return null;
  const a = v[0]!;
  return an.info(a).lru && !s.atom(a).esc && !an.info(a).many ? a : null;
}
