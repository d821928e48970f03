/**
 * What the analysis loses track of, and what nothing holds any more, for the abstract interpreter
 * ({@link Analyzer}): values escaping into code it cannot see (it goes silent on them), the
 * variables closures capture (kept when their scope ends), what is reachable at a function's exits,
 * and leaks — an owned handle nothing reaches at a return, a scope's end, an overwrite or a delete.
 *
 * @module
 */
import { NF, ts } from './ts.js';
import { NULL, union, UNKNOWN, V_NONE, type State, type Val } from './state.js';
import { symId, type Analyzer, type Frame } from './interp.js';
import { SENTENCE_LEAK } from './rules.js';

export const leakMethods = {
  /** Marks what a value may reach as escaped (seen by code the checker cannot follow). */
  escape(this: Analyzer, v: Val, s: State, seen = new Set<number>()): State {
    for (const a of v) {
      if (a <= UNKNOWN || seen.has(a)) continue;
      seen.add(a);
      const inf = this.info(a);
      if (inf.kind === 'func') {
        s = this.escapeClosure(inf.fn!, s, seen);
        continue;
      }
      const st = s.atom(a);
      if (!st.esc) s = s.update(a, { esc: true });
      if (st.fields) for (const w of st.fields.values()) s = this.escape(w, s, seen);
      const alts = (st as { alts?: Val }).alts;
      if (alts) s = this.escape(alts, s, seen);
    }
    return s;
  },

  /** Whether a function has closures inside it. */
  hasNested(this: Analyzer, fn: ts.Node): boolean {
    let h = this.nestedCache.get(fn);
    if (h === undefined) {
      h = false;
      const visit = (n: ts.Node): void => {
        if (h) return;
        if (n !== fn && (ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n))) h = true;
        else ts.forEachChild(n, visit);
      };
      ts.forEachChild(fn, visit);
      this.nestedCache.set(fn, h);
    }
    return h;
  },

  /** The variables of enclosing scopes a closure refers to. */
  capturesOf(this: Analyzer, fn: ts.Node): ts.Symbol[] {
    let syms = this.captures.get(fn);
    if (!syms) {
      const set = new Set<ts.Symbol>();
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n)) {
          const sym = this.checker.getSymbolAtLocation(n);
          const decl = sym?.valueDeclaration;
          if (sym && decl && !(decl.pos >= fn.pos && decl.end <= fn.end)) set.add(sym);
        }
        ts.forEachChild(n, visit);
      };
      visit(fn);
      syms = [...set];
      this.captures.set(fn, syms);
    }
    return syms;
  },

  /** The key under which a closure atom keeps a captured variable's value once its scope has ended. */
  capKey(this: Analyzer, sym: ts.Symbol): string {
    return `@cap:${symId(sym)}`;
  },

  /** Closures in the state that capture one of `syms` keep those variables' values (their scope ends). */
  keepCapturesOf(this: Analyzer, syms: readonly ts.Symbol[], s: State): State {
    if (!syms.some((x) => this.capturedSyms.has(x))) return s;
    const set = new Set(syms);
    const fns = new Set<number>();
    const look = (v: Val): void => {
      for (const a of v) if (a > UNKNOWN && this.info(a).kind === 'func' && this.info(a).fn) fns.add(a);
    };
    for (const v of s.env.values()) look(v);
    for (const st of s.atoms.values()) if (st.fields) for (const v of st.fields.values()) look(v);
    return this.holdCaptured(fns, set, s);
  },

  /** Binds, for a call of a closure, the captured variables whose scope has ended to what the closure kept. */
  bindCaptures(this: Analyzer, fn: ts.Node, frame: Frame, s: State): State {
    const fa = this.funcAtoms.get(fn);
    const kept = fa !== undefined ? s.atom(fa).fields : undefined;
    if (!kept) return s;
    for (const sym of this.capturesOf(fn)) {
      const v = kept.get(this.capKey(sym));
      if (!v || s.val(sym)) continue;
      frame.locals.push(sym);
      s = s.setVar(sym, v);
    }
    return s;
  },

  /** For a call of a closure made in a loop: its captured variables hold every value its instances kept (restored after). */
  bindKeptUnion(this: Analyzer, fn: ts.Node, s: State): { state: State; restore: (s: State) => State } {
    const fa = this.funcAtoms.get(fn);
    const kept = fa !== undefined ? s.atom(fa).fields : undefined;
    const saved: [ts.Symbol, Val | undefined][] = [];
    if (kept) {
      for (const sym of this.capturesOf(fn)) {
        const v = kept.get(this.capKey(sym));
        if (!v) continue;
        const cur = s.val(sym);
        saved.push([sym, cur]);
        s = s.setVar(sym, cur ? union(cur, v) : v);
      }
    }
    const restore = (st: State): State => {
      for (const [sym, v] of saved) st = v ? st.setVar(sym, v) : st.delVars([sym]);
      return st;
    };
    return { state: s, restore };
  },

  /** The values a closure kept of its captured variables escape. */
  escapeKept(this: Analyzer, fn: ts.Node, s: State): State {
    const fa = this.funcAtoms.get(fn);
    const kept = fa !== undefined ? s.atom(fa).fields : undefined;
    if (kept) for (const w of kept.values()) s = this.escape(w, s);
    return s;
  },

  /** A closure given to unknown code: whatever it captures may be used at any time. */
  escapeClosure(this: Analyzer, fn: ts.Node, s: State, seen: Set<number>): State {
    for (const sym of this.capturesOf(fn)) {
      const v = s.val(sym);
      if (v) s = this.escape(v, s, seen);
    }
    const fa = this.funcAtoms.get(fn);
    const kept = fa !== undefined ? s.atom(fa).fields : undefined;
    if (kept) for (const w of kept.values()) s = this.escape(w, s, seen);
    if (this.frames.some((f) => f.thisVal.some((a) => a > UNKNOWN))) s = this.escape(this.top().thisVal, s, seen);
    return s;
  },

  /**
   * A function's scope ends while closures made in it live on (stored in a field, returned): each
   * keeps the values of the variables it captures from that scope, bound again when it is called.
   */
  keepCaptures(this: Analyzer, fn: ts.Node, locals: readonly ts.Symbol[], s: State, ret: Val): State {
    if (!this.hasNested(fn)) return s;
    const lset = new Set(locals);
    const nested = new Set<number>();
    const look = (v: Val): void => {
      for (const a of v) {
        if (a <= UNKNOWN) continue;
        const inf = this.info(a);
        if (inf.kind === 'func' && inf.fn && inf.fn !== fn && inf.fn.getSourceFile() === fn.getSourceFile() && inf.fn.pos >= fn.pos && inf.fn.end <= fn.end) nested.add(a);
      }
    };
    look(ret);
    for (const v of s.env.values()) look(v);
    for (const st of s.atoms.values()) if (st.fields) for (const v of st.fields.values()) look(v);
    return this.holdCaptured(nested, lset, s);
  },

  /** Each closure of `fns` keeps the current values of the variables of `syms` it captures. */
  holdCaptured(this: Analyzer, fns: ReadonlySet<number>, syms: ReadonlySet<ts.Symbol>, s: State): State {
    for (const a of fns) {
      for (const sym of this.capturesOf(this.info(a).fn!)) {
        if (!syms.has(sym)) continue;
        const v = s.val(sym);
        if (!v) continue;
        const k = this.capKey(sym);
        const had = s.field(a, k);
        s = s.setField(a, k, had ? union(had, v) : v);
      }
    }
    return s;
  },

  /** Atoms reachable from the live variables, the return value and what outlives the function. */
  reachable(this: Analyzer, s: State, extra: Val, exclude?: ts.Symbol): Set<number> {
    const seen = new Set<number>();
    const stack: number[] = [...extra];
    for (const [sym, v] of s.env) if (sym !== exclude) stack.push(...v);
    for (const f of this.frames) stack.push(...f.thisVal);
    for (const [id, st] of s.atoms) if (this.info(id).symbolic || st.stored || st.esc) stack.push(id);
    while (stack.length) {
      const a = stack.pop()!;
      if (a <= UNKNOWN || seen.has(a)) continue;
      seen.add(a);
      const st = s.atoms.get(a);
      if (!st) continue;
      if (st.fields) for (const w of st.fields.values()) stack.push(...w);
      const alts = (st as { alts?: Val }).alts;
      if (alts) stack.push(...alts);
      const inf = this.info(a);
      if (inf.kind === 'func') {
        // A closure keeps what it captures.
        for (const sym of this.capturesOf(inf.fn!)) stack.push(...(s.val(sym) ?? []));
      }
    }
    return seen;
  },

  /** The handles reachable from objects through their fields (not through escaped objects). */
  heldBy(this: Analyzer, objs: readonly number[], s: State): number[] {
    const seen = new Set<number>();
    const out: number[] = [];
    const stack = [...objs];
    while (stack.length) {
      const a = stack.pop()!;
      if (a <= UNKNOWN || seen.has(a) || seen.size > 256) continue;
      seen.add(a);
      const st = s.atoms.get(a);
      if (!st || st.esc) continue;
      if (this.info(a).kind === 'ref') out.push(a);
      if (st.fields) for (const [k, w] of st.fields) if (!k.startsWith('@cap:')) stack.push(...w);
    }
    return out;
  },

  /** Atoms reachable from an instance of a user class (`new C()`). */
  heldByInstances(this: Analyzer, s: State): Set<number> {
    const roots: number[] = [];
    for (const id of s.atoms.keys()) if (this.info(id).instance) roots.push(id);
    const seen = new Set<number>();
    const stack = [...roots];
    while (stack.length) {
      const a = stack.pop()!;
      if (a <= UNKNOWN || seen.has(a)) continue;
      seen.add(a);
      const st = s.atoms.get(a);
      if (st?.fields) for (const w of st.fields.values()) stack.push(...w);
      const alts = (st as { alts?: Val } | undefined)?.alts;
      if (alts) stack.push(...alts);
    }
    return seen;
  },

  /** Whether an atom is an owned resource that is live on every path (a leak if dropped). */
  leakable(this: Analyzer, id: number, s: State, held = false): boolean {
    const inf = this.info(id);
    if (!inf.fresh || inf.kind !== 'ref' || this.internal(id)) return false;
    const st = s.atoms.get(id);
    // `held`: a variable held it (dropped now), so it exists on the paths that matter. Else, at a
    // function's exit, it must be known not null: whether it is may hang on another variable's test.
    if (!st || st.esc || st.stored || st.cons || st.nul === 2 || (!held && (st.ex !== 2 || st.nul !== 0))) return false;
    const b = st.base;
    if (b !== undefined && b !== id && s.atom(b).esc) return false;
    return true;
  },

  /** At an exit of the root function: every owned, live handle nothing reaches is a leak. */
  checkLeaks(this: Analyzer, s: State, ret: Val, line: number | null, keepVars: boolean): void {
    // Handles kept in a container or object the function made exist wherever it holds them.
    const inLocal = new Set<number>();
    for (const [id, st] of s.atoms) {
      if (this.info(id).symbolic || !st.fields) continue;
      for (const w of st.fields.values()) for (const a of w) inLocal.add(a);
    }
    const cands = [...s.atoms.keys()].filter((id) => this.leakable(id, s) || (inLocal.has(id) && this.leakable(id, s, true) && s.atom(id).nul === 0));
    if (cands.length === 0) return;
    if (!keepVars) {
      // The function's own variables are gone; what they held survives only through what is left.
    }
    const reach = this.reachable(s, ret);
    // What an instance of your own class holds is that object's to release (its close(),
    // destroy() or [Symbol.dispose]()), not this function's.
    let owned: Set<number> | null = null;
    for (const id of cands) {
      if (reach.has(id)) continue;
      owned ??= this.heldByInstances(s);
      if (owned.has(id)) reach.add(id);
    }
    for (const id of cands) {
      if (reach.has(id) || this.leaked.has(id) || (this.info(id).old !== undefined && this.leaked.has(this.info(id).old!))) continue;
      const inf = this.info(id);
      const at = line ?? inf.line ?? 0;
      this.leakAt(id, at, line === null ? 'the function ends without releasing it' : 'this return leaves it unreleased', s);
    }
  },

  leakAt(this: Analyzer, id: number, atLine: number, why: string, s: State, node?: ts.Node): void {
    if (this.mute > 0 || !this.report) return;
    if (this.sinkObjects.has(s.atom(id).base ?? id)) return;
    this.leaked.add(id);
    const inf = this.info(id);
    const what = inf.what ?? 'handle';
    const made = inf.madeBy ? ` allocated by ${inf.madeBy}() at line ${inf.line}` : '';
    const msg = `leak: the ${what}${inf.name ? ` '${inf.name}'` : ''}${made} is never freed, put, returned or stored: ${why}; ${SENTENCE_LEAK}`;
    if (node) this.reportAt(node, 'leak', msg, undefined, undefined, true);
    else this.reportLine(atLine, 'leak', msg);
    // And where it was allocated, when that is in this file but inside a helper or constructor.
    const an = inf.allocNode;
    if (an && an.getSourceFile() === this.unitFile && this.line(an) !== inf.line) this.reportLine(this.line(an), 'leak', msg, an);
  },

  /**
   * Block-scoped variables die (a loop body's, at `continue`, `break` or the end of an iteration):
   * what only they held is leaked — reported at the jump, or at the allocation for a fall-through.
   */
  scopeEnd(this: Analyzer, s: State, syms: ts.Symbol[], node: ts.Node | null): State {
    if (syms.length === 0 || this.frames.length > 1 || ts.isSourceFile(this.top().fn)) return s;
    const dying = syms.filter((x) => {
      const d = x.valueDeclaration;
      return d && (ts.isVariableDeclaration(d) || ts.isBindingElement(d)) && (ts.getCombinedNodeFlags(d) & (NF.Let | NF.Const)) !== 0;
    });
    // Closures that capture a dying variable keep its value.
    s = this.keepCapturesOf(dying, s);
    let old: Val = V_NONE;
    for (const x of dying) old = union(old, s.val(x) ?? V_NONE);
    // An object only the variable held (a helper's `{ core, init }`) takes what only it holds with it.
    const held = this.heldBy(old.filter((a) => a > UNKNOWN && this.info(a).kind === 'obj' && !this.info(a).many && !s.atom(a).esc), s);
    const cands = union(old, held).filter((a) => a > UNKNOWN && this.leakable(a, s, true) && s.atom(a).nul === 0);
    if (cands.length === 0) return s;
    const after = s.delVars(dying);
    const reach = this.reachable(after, V_NONE);
    for (const a of cands) {
      if (reach.has(a)) continue;
      if (node) this.leakAt(a, this.line(node), `its variable goes out of scope at this ${ts.isContinueStatement(node) ? 'continue' : 'break'}`, s, node);
      else this.leakAt(a, this.info(a).line ?? 0, 'its variable goes out of scope at the end of the loop body', s);
    }
    return s;
  },

  /** A reference was dropped (a variable overwritten, an entry deleted): report what it was the last of. */
  dropped(this: Analyzer, old: Val, s: State, node: ts.Node, why: string, exclude?: ts.Symbol, inCallee = false): State {
    // In a callee followed from here, only a field or entry overwritten is the callee's doing (a
    // value it discards or a variable it reassigns may be the caller's argument, or a throw).
    if (ts.isSourceFile(this.frames[0]!.fn) || (this.frames.length > 1 && !inCallee)) return s;
    // A dropped object (your class's instance, a struct) drops what only it held.
    // (Not one standing for several earlier objects made at one site, `many`: dropping a reference
    // to one of them — `this.tail = rec` in a loop — says nothing of the others' contents.)
    const held = this.heldBy(old.filter((a) => a > UNKNOWN && this.info(a).kind === 'obj' && !this.info(a).many && !s.atom(a).esc), s);
    // A variable that may have been empty, overwritten in a loop run to a fixpoint: what it held
    // came from some earlier iteration or from none, which the joined head cannot tell, so no drop
    // there is sure to leak.
    // The same for an overwrite only some iterations make (under an `if` in the loop body).
    const loop = [...this.top().targets].reverse().find((t) => t.joined);
    if (loop) {
      const maybeEmpty = old.includes(NULL) || old.includes(UNKNOWN);
      let conditional = false;
      for (let n: ts.Node | undefined = node.parent; n && n !== loop.node; n = n.parent) {
        if (ts.isIfStatement(n) || ts.isConditionalExpression(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) conditional = true;
      }
      if (maybeEmpty || conditional) return s;
    }
    const cands = [...old, ...held].filter((a) => a > UNKNOWN && this.leakable(a, s, true) && (old.includes(a) || s.atom(a).nul === 0));
    if (cands.length === 0) return s;
    const reach = this.reachable(s, V_NONE, exclude);
    for (const a of cands) {
      if (reach.has(a)) continue;
      this.leakAt(a, this.line(node), why, s, node);
    }
    return s;
  },
};

/** The escape, capture and leak methods {@link Analyzer} has. */
export type LeakMethods = typeof leakMethods;
