/**
 * Verdicts, for the abstract interpreter: what a use or a consuming call of a handle means in the
 * state it meets — live, freed, put, moved, maybe freed on some path — and how a finding is
 * reported: at the bad use, with the line that consumed the handle, in the root function's frame
 * (the call into the helper) and at the inner line when the helper is in the same file;
 * continuations deferred past an `await` or into a callback run later, against the state they
 * then meet.
 *
 * @module
 */
import { ts } from './ts.js';
import type { ConsumeKind } from './api.js';
import { NULL, union, UNKNOWN, V_NONE, type Cons, type State, type Val } from './state.js';
import { SENTENCE_CONSUMED, SENTENCE_MAPPED, verbOf, type Finding, type RuleId } from './rules.js';
import { shortText, viaText, type Analyzer } from './interp.js';

export const verdictMethods = {
  /**
   * Reports at the node in the root function that led here (the call into a helper), and also at
   * the node itself when it lies inside the root function (a closure defined there).
   */
  reportAt(this: Analyzer, node: ts.Node, rule: RuleId, message: string, alsoLine?: number, cons?: Cons, deep = false): void {
    if (this.mute > 0 || !this.report) return;
    if (this.resumed) {
      // A continuation that ran after an await: at the use as the runtime meets it in this file
      // (the node, or the deepest call of a helper written here that led to it, below the call
      // the analysed function made), and at the consumption that came too early.
      const inner = this.frames.slice(2).filter((f) => f.call && !f.callback).map((f) => f.call!);
      const here = [node, ...inner.reverse()].find((n) => n.getSourceFile() === this.unitFile);
      if (here) this.reportLine(this.line(here), rule, message, here);
      if (alsoLine !== undefined) this.reportLine(alsoLine, rule, message);
      else if (!here && this.frames[1]?.call) this.reportLine(this.line(this.frames[1].call), rule, message, this.frames[1].call);
      return;
    }
    if (alsoLine !== undefined) this.reportLine(alsoLine, rule, message);
    const inUnit = (n: ts.Node) => !!this.unitNode && n.getSourceFile() === this.unitFile && n.pos >= this.unitNode.pos && n.end <= this.unitNode.end;
    // The deepest call (or the node itself) written in the analysed function; and the call the
    // analysed function made, when it called a closure or helper directly.
    const calls = this.frames.slice(1).filter((f) => f.call && !f.callback).map((f) => f.call!);
    const cands = [node, ...calls.reverse()];
    const spots: ts.Node[] = [];
    let primary = cands.find(inUnit) ?? this.frames[1]?.call ?? node;
    if (cons?.frames) {
      // Where the consumption and the use meet: the deepest frame both ran in (a method that frees
      // one field and then an alias of it reports inside the method, when it is in this file).
      let k = 0;
      for (let i = this.frames.length - 1; i >= 0; i--) if (cons.frames.includes(this.frames[i]!.id)) (k = i), (i = -1);
      const at = k === this.frames.length - 1 ? node : this.frames[k + 1]!.call;
      if (at && at.getSourceFile() === this.unitFile && k > 0) primary = at;
    }
    const deepest = cands.find((n) => n.getSourceFile() === this.unitFile);
    if (deep) primary = deepest ?? primary;
    spots.push(primary);
    // A use or a second free inside a method or helper of this file, reached from here: also where
    // the runtime meets it (as the Clang analyzer reports a use inside the callee, with the path).
    if ((rule === 'use-after-free' || rule === 'double-free' || rule === 'use-after-move') && deepest && this.line(deepest) !== this.line(primary)) spots.push(deepest);
    // A closure of this function, called here: the call is where the misuse runs.
    const outer = this.frames[1];
    const closureOfUnit = outer && !!this.unitNode && outer.fn.pos >= this.unitNode.pos && outer.fn.end <= this.unitNode.end && outer.fn.getSourceFile() === this.unitFile;
    if (outer?.call && !outer.callback && closureOfUnit && outer.call !== primary && this.line(outer.call) !== this.line(primary)) spots.push(outer.call);
    // A closure of this file run from a helper (a devres release action, a completion callback):
    // the call inside it is the line its author wrote for the free.
    if (rule === 'use-after-free' || rule === 'double-free' || rule === 'use-after-move') {
      for (let i = this.frames.length - 1; i >= 1; i--) {
        const fn = this.frames[i]!.fn;
        if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.getSourceFile() !== this.unitFile) continue;
        const at = i === this.frames.length - 1 ? node : this.frames[i + 1]!.call;
        if (at && at.getSourceFile() === this.unitFile && !spots.some((x) => this.line(x) === this.line(at))) spots.push(at);
        break;
      }
    }
    for (const n of spots) {
      const sf = n.getSourceFile();
      const lc = sf.getLineAndCharacterOfPosition(n.getStart(sf));
      const msg = n === deepest && n !== primary ? `${message} (reached from the call at line ${this.line(primary)})` : message;
      const f: Finding = { file: sf.fileName, line: lc.line + 1, column: lc.character + 1, rule: `memdesc/${rule}`, message: msg };
      const key = `${f.file}:${f.line}:${f.rule}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.findings.push(f);
      this.emit(f);
    }
  },

  consText(this: Analyzer, c: Cons): string {
    const via = viaText(c.via);
    const inside = c.inside ? ` inside ${c.inside}()` : '';
    const kept = c.orKept ? `, or kept by ${c.orKept.startsWith('the ') ? c.orKept : `${c.orKept}()`} on its other paths (it took the handle over)` : '';
    return `${verbOf(c.kind)} by ${c.by}() at line ${c.line}${via}${inside}${kept}`;
  },

  /** The consumption that makes an atom dead on every path, if any. */
  deadness(this: Analyzer, id: number, s: State, depth = 0): Cons | null {
    const st = s.atom(id);
    if (st.esc || st.nul === 2 || st.unsure) return null;
    if (st.cons?.must) return st.cons;
    // One of several handles (an element read from a container): dead when every one of them is.
    const alts = (st as { alts?: Val }).alts;
    if (alts && alts.length && depth < 4) {
      let first: Cons | null = null;
      for (const a of alts) {
        const c = this.deadness(a, s, depth + 1);
        if (!c) return null;
        first ??= c;
      }
      return first;
    }
    const base = st.base;
    if (base !== undefined && base !== id) {
      const b = s.atom(base);
      if (b.esc) return null;
      if (b.freed?.must) return b.freed;
    } else if (st.freed?.must) return st.freed;
    return null;
  },

  /** Whether every handle the value may be is dead; the consumption, or null. */
  deadVal(this: Analyzer, v: Val, s: State): { cons: Cons; id: number } | null {
    let out: { cons: Cons; id: number } | null = null;
    for (const a of v) {
      if (a === NULL) continue;
      if (a === UNKNOWN) return null;
      const inf = this.info(a);
      if (inf.kind !== 'ref' || this.internal(a)) return null;
      const c = this.deadness(a, s);
      if (!c) return null;
      out ??= { cons: c, id: a };
    }
    return out;
  },

  /** A use of a value that must be a live handle (an argument to memdesc, a store, a return). */
  use(this: Analyzer, v: Val, s: State, node: ts.Node, what: string): void {
    if (this.deferring(s)) {
      // A view (a page of a vmalloc area) is checked by its owner: the view's own state, made in a
      // loop the continuation left, is not known when the continuation runs.
      const ownerOf = (a: number): number => {
        const b = a > UNKNOWN && !this.info(a).fresh ? s.atom(a).base : undefined;
        // Not an owner already given up when the continuation was made (moved into a shared one).
        return b !== undefined && !s.atom(b).cons ? b : a;
      };
      const owners = v.map(ownerOf);
      const checked = this.altsOf(owners, s) ?? owners;
      this.defer(
        s,
        node,
        (st) => {
          this.use(checked, st, node, `${what}, after an await`);
          return st;
        },
        'use',
        v,
      );
      return;
    }
    const d = this.deadVal(v, s);
    if (!d || this.sunk(d.id, s)) return;
    const name = this.nameOf(d.id, node);
    const rule: RuleId = d.cons.kind === 'move' ? 'use-after-move' : 'use-after-free';
    const head = rule === 'use-after-move' ? 'use after move' : 'use after free';
    this.reportAt(node, rule, `${head}: '${name}' was ${this.consText(d.cons)}, and ${what}${this.through()}; ${SENTENCE_CONSUMED}`, this.resumed ? d.cons.line : undefined, d.cons);
  },

  /** Whether a misuse of the handle was already reported in this root function (and records it now). */
  sunk(this: Analyzer, id: number, s?: State): boolean {
    if (this.mute > 0 || !this.report) return false;
    if (this.sinks.has(id)) return true;
    this.sinks.add(id);
    if (s) this.sinkObjects.add(s.atom(id).base ?? id);
    return false;
  },

  /** How a message names a handle: the text at the use when the use is in the analysed function, else the variable it was bound to. */
  nameOf(this: Analyzer, id: number, node: ts.Node): string {
    const inUnit = !!this.unitNode && node.getSourceFile() === this.unitFile && node.pos >= this.unitNode.pos && node.end <= this.unitNode.end;
    const n = this.info(id).name;
    return inUnit || !n ? shortText(node) : n;
  },

  // ----------------------------------------------------------------------- async deferral
  /** Inside a callee that has awaited: its effects happen when the root function next awaits. */
  deferring(this: Analyzer, s: State): boolean {
    if (process.env.MEMDESC_CHECK_TRACE) console.log('deferring?', s.susp, this.frames.map((f) => `${f.name}${f.isAsync ? '*' : ''}`));
    return s.susp === 2 && this.frames.length > 1 && this.frames.slice(1).some((f) => f.isAsync);
  },

  /** The handles a value of container elements may be (null when it holds none). */
  altsOf(this: Analyzer, v: Val, s: State): Val | null {
    if (!v.some((a) => a > UNKNOWN && s.atom(a).alts)) return null;
    let out: Val = V_NONE;
    for (const a of v) out = union(out, a > UNKNOWN && s.atom(a).alts ? s.atom(a).alts! : [a]);
    return out;
  },

  defer(this: Analyzer, s: State, node: ts.Node, run: (s: State) => State, what = '', v: Val = V_NONE): void {
    // The iterations that look for a loop's fixpoint register nothing (the reporting passes do);
    // the same effect on the same value, registered again by another pass, happens once.
    if (this.mute > 0) return;
    const key = `${what}:${this.nodeId(node)}:${v.join(',')}`;
    if (this.deferred.some((d) => d.key === key)) return;
    const frames = [...this.frames];
    this.deferred.push({
      key,
      run: (st: State) => {
        const saved = this.frames;
        this.frames = frames;
        try {
          this.resumed = true;
          return run(st.withSusp(0));
        } finally {
          this.resumed = false;
          this.frames = saved;
        }
      },
    });
    void s;
  },

  /** Runs the continuations started before an `await` (at the root's next `await`, or its end). */
  runPending(this: Analyzer, s: State, _node: ts.Node): State {
    if (s.pending.length === 0) return s;
    let st = s.withPending([]);
    const ran = new Set<string>();
    for (const p of s.pending) {
      if (p.key !== undefined) {
        if (ran.has(p.key)) continue;
        ran.add(p.key);
      }
      st = p.run(st);
    }
    return st;
  },

  // ------------------------------------------------------------------------------ consumption
  /** A consuming call (free, put, unlock, move) on a value. */
  consume(this: Analyzer, v: Val, s: State, kind: ConsumeKind, by: string, node: ts.Node, argNode: ts.Node): State {
    if (this.deferring(s)) {
      // An element read from a container is a transient value: what it may be is decided now.
      const alts = this.altsOf(v, s);
      this.defer(
        s,
        node,
        (st) => {
          if (!alts) return this.consume(v, st, kind, by, node, argNode);
          this.weak++;
          try {
            return this.consume(alts, st, kind, by, node, argNode);
          } finally {
            this.weak--;
          }
        },
        'consume',
        v,
      );
      return s;
    }
    const d = this.deadVal(v, s);
    if (d) {
      if (this.sunk(d.id, s)) return s;
      const name = this.nameOf(d.id, argNode);
      if (d.cons.kind === 'move') {
        this.reportAt(node, 'use-after-move', `use after move: '${name}' was ${this.consText(d.cons)}, and ${by}() ${verbOf(kind) === 'moved' ? 'moves' : 'consumes'} it again${this.through()}; ${SENTENCE_CONSUMED}`);
      } else if (s.atom(d.id).cons?.must || ((kind === 'free' || kind === 'put' || kind === 'destroy') && (d.cons.kind === 'free' || d.cons.kind === 'put' || d.cons.kind === 'destroy'))) {
        // (Also a free of memory a free already ended through another handle on it, an element
        // read again from the array the first loop freed: that is freeing it twice.)
        this.reportAt(node, 'double-free', `double free: '${name}' was already ${this.consText(d.cons)}, and ${by}() ${kindVerb(kind)} it again${this.through()}; ${SENTENCE_CONSUMED}`, this.resumed ? d.cons.line : undefined, d.cons);
      } else {
        this.reportAt(node, 'use-after-free', `use after free: '${name}' stands on memory ${this.consText(d.cons)}, and ${by}() ${kindVerb(kind)} it${this.through()}; ${SENTENCE_CONSUMED}`);
      }
      return s;
    }
    const refs = v.filter((a) => a !== NULL && a !== UNKNOWN && this.info(a).kind === 'ref');
    const strong = this.weak === 0 && refs.length === 1 && !this.info(refs[0]!).many && !v.includes(UNKNOWN);
    const line = this.rootLine(node);
    const via = this.frames.slice(1).filter((f) => f.call).map((f) => f.name);
    const cons: Cons = { must: strong, kind, line, by, via, frames: this.frames.map((f) => f.id) };
    for (const a of refs) {
      const st = s.atom(a);
      if (st.esc) continue;
      const c: Cons = strong ? cons : st.cons?.must ? st.cons : { ...cons, must: false };
      s = s.update(a, { cons: c });
      const alts = (st as { alts?: Val }).alts;
      // One of several handles (an element read from a container, maybe itself one of several):
      // each of them is consumed maybe.
      if (alts) {
        const seen = new Set<number>([a]);
        const todo = [...alts];
        while (todo.length) {
          const b = todo.pop()!;
          if (b <= UNKNOWN || seen.has(b) || seen.size > 64) continue;
          seen.add(b);
          const bs = s.atom(b);
          if (!bs.esc) s = s.update(b, { cons: bs.cons?.must ? bs.cons : { ...cons, must: false } });
          const more = (bs as { alts?: Val }).alts;
          if (more) todo.push(...more);
        }
      }
      // The memory object under the handle.
      const base = st.base ?? a;
      const bs = s.atom(base);
      let frees = false;
      // A free through a handle whose object's references are not all known (a tryFromShared
      // result) ends the object only if it was unique, which the checker cannot tell.
      if (kind === 'free' || kind === 'destroy' || kind === 'consume') frees = !(bs.refs === undefined && st.base !== undefined && st.base !== a);
      else if (kind === 'put') {
        if (bs.refs !== undefined) {
          const left = bs.refs - 1;
          s = s.update(base, { refs: left });
          frees = left <= 0;
        }
      }
      if (frees) {
        s = s.update(base, { freed: strong ? cons : (s.atom(base).freed ?? { ...cons, must: false }) });
        for (const m of this.top().mapped) {
          if (m.base === base && m.depth === 0 && !this.internal(base) && strong) {
            this.reportAt(node, 'free-while-mapped', `free while mapped: '${shortText(argNode)}' is ${verbOf(kind)} by ${by}()${this.through()} while withPageMapped() at line ${m.line} maps it; ${SENTENCE_MAPPED}`);
          }
        }
      }
    }
    return s;
  },

  /** The line in the root function where this happens (the call into the helper, or the node). */
  rootLine(this: Analyzer, node: ts.Node): number {
    return this.line(this.frames[1]?.call ?? node);
  },
};

export type VerdictMethods = typeof verdictMethods;

function kindVerb(kind: ConsumeKind): string {
  switch (kind) {
    case 'put':
      return 'puts';
    case 'unlock':
      return 'unlocks';
    case 'destroy':
      return 'destroys';
    case 'move':
      return 'moves';
    default:
      return 'frees';
  }
}
