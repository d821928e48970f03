/**
 * The abstract interpreter: walks a function's statements in order, carrying a {@link State}
 * along every path (branches are analysed separately and joined; loops are iterated to a
 * fixpoint), and reports what no path can make right. Calls into the user's own functions,
 * methods, constructors and closures are followed into their bodies with the actual arguments
 * bound (a context-sensitive summary, computed at each call site), up to a depth; memdesc's own
 * API is applied from its declared types ({@link effectOf}).
 *
 * Where a value reaches code that cannot be followed (a function without a body that is not
 * memdesc's, a dynamic property), the value is marked escaped and nothing more is said about it.
 *
 * @module
 */
import { NF, SF, SK, TF, ts } from './ts.js';
import { effectOf, gfpSleeps, isMemdescFile, isProcessContext, resolveAlias, roleOf, type ApiEffect, type ConsumeKind } from './api.js';
import { join, NULL, sameState, setSymbolicTest, State, union, UNKNOWN, V_NONE, V_NULL, V_UNKNOWN, type AtomInfo, type AtomState, type Cons, type Val } from './state.js';
import { SENTENCE_CONSUMED, SENTENCE_LEAK, SENTENCE_MAPPED, SENTENCE_SLEEP, verbOf, type Finding, type RuleId } from './rules.js';
import { callExpr, constructNew, invoke } from './calls.js';
import { bodyMayGrow, canUnroll, constCompare, constValue, countedLoop, exactEntries, execConstForOf, execCounted, execExactForOf, literalList } from './loops.js';

/** How deep calls are followed into bodies. */
const MAX_DEPTH = 6;
/** Loop iterations before the analysis gives up on a fixpoint (and goes silent on what changed). */
const MAX_ITER = 4;
/** How deep calls are followed while a loop's fixpoint is sought (the reporting pass goes deeper). */
const MUTED_DEPTH = 2;
/** Calls followed per root function before the analysis stops following (and goes silent). */
const MAX_FOLLOWED = 1500;
/** Paths kept apart within a block. */
const MAX_PATHS = 4;

function stripNot(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken)) e = ts.isParenthesizedExpression(e) ? e.expression : (e as ts.PrefixUnaryExpression).operand;
  return e;
}

/** The first `c ? a : b` of a statement (outside nested functions). */
function firstConditional(st: ts.Node): ts.ConditionalExpression | null {
  let found: ts.ConditionalExpression | null = null;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isConditionalExpression(n) || (ts.isBinaryExpression(n) && n.operatorToken.kind === SK.QuestionQuestionToken)) {
      found = n as ts.ConditionalExpression;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(st, visit);
  return found;
}

/** A function being analysed, at the root (depth 0) or followed into from a call. */
export interface Frame {
  readonly id: number;
  readonly fn: ts.Node;
  readonly name: string;
  readonly depth: number;
  /** The call that entered this frame (in the parent frame). */
  readonly call: ts.Node | null;
  readonly locals: ts.Symbol[];
  readonly returns: { state: State; val: Val; line: number }[];
  readonly thisVal: Val;
  readonly isAsync: boolean;
  /** Entered as a callback of memdesc or the library (its call is not where a misuse is written). */
  callback?: boolean;
  /** withSpinLock: this frame and its callees run in atomic context; the lock call, and the depth of its frame. */
  atomic: { line: number; depth: number } | null;
  /** withPageMapped: bases mapped while this frame runs. */
  mapped: { base: number; line: number; depth: number }[];
  /** Argument expressions bound to parameters (for GFP arguments followed through helpers). */
  readonly argNodes: Map<ts.Symbol, { node: ts.Expression; frame: Frame }>;
  /** Jump targets (loops, switch, labels) and finally blocks, innermost last. */
  readonly targets: Target[];
}

interface Target {
  readonly kind: 'loop' | 'switch' | 'label' | 'finally' | 'catch';
  readonly label?: string;
  readonly node: ts.Node;
  breaks: State[];
  continues: State[];
  /** For a finally: the block; for a catch: the states that threw. */
  readonly block?: ts.Block;
  throws?: State[];
  usings?: { sym: ts.Symbol; line: number; kind: ConsumeKind; decl: ts.VariableDeclaration }[];
  /** For a loop: how many locals the frame had when the body started (those after it die each iteration). */
  localsStart?: number;
}

/** Analyses the files of a Program. */
export class Analyzer {
  readonly checker: ts.TypeChecker;
  readonly atoms: AtomInfo[] = [];
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  frames: Frame[] = [];
  mute = 0;
  /** Loop counters and entry keys known while an unrolled loop runs. */
  readonly loopConst = new Map<ts.Symbol, number | string>();
  /** Tags of the unrolled iterations running (allocation sites are told apart by them). */
  readonly unrollTags: string[] = [];
  /** Iterations of the unrolled loops running, multiplied (a budget). */
  unrollWork = 1;
  /** Closures made in a loop (several instances: a call of one consumes maybe). */
  readonly manyFns = new Set<ts.Node>();
  /** Calls followed whose every path throws. */
  readonly noReturn = new Set<ts.Node>();
  /** While > 0, consumptions are 'maybe' (a closure called as one of a container's elements). */
  weak = 0;
  private frameIds = 0;
  private readonly children = new Map<string, number>();
  private readonly sites = new Map<string, number>();
  private readonly symbolicOf = new Map<ts.Symbol, number>();
  private readonly funcAtoms = new Map<ts.Node, number>();
  private readonly nodeIds = new WeakMap<ts.Node, number>();
  private nextNodeId = 1;
  /** Symbols used as a key into a container (writes to them forget those keys). */
  readonly keySyms = new Set<ts.Symbol>();
  private report = true;
  private unitFile: ts.SourceFile | null = null;
  private unitNode: ts.Node | null = null;

  constructor(
    readonly program: ts.Program,
    private readonly emit: (f: Finding) => void = () => {},
  ) {
    this.checker = program.getTypeChecker();
    setSymbolicTest((id) => !!this.atoms[id]?.symbolic);
    this.atoms.push({ id: NULL, kind: 'ref', name: 'null', fresh: false, depth: 0 });
    this.atoms.push({ id: UNKNOWN, kind: 'ref', name: '?', fresh: false, depth: 0 });
  }

  // ------------------------------------------------------------------------------- entry points

  /** Analyses a source file: its module body and every function in it, each on its own. */
  analyzeFile(sf: ts.SourceFile): void {
    this.unitFile = sf;
    const units: ts.Node[] = [sf];
    const visit = (n: ts.Node): void => {
      if (isFunctionLike(n) && n.body) units.push(n);
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(sf, visit);
    for (const u of units) {
      try {
        this.analyzeUnit(u);
      } catch (e) {
        // An internal error in one function must not hide the others: go silent on it.
        if (process.env.MEMDESC_CHECK_DEBUG) throw e;
      }
    }
  }

  private analyzeUnit(unit: ts.Node): void {
    this.unitNode = unit;
    this.frames = [];
    this.followed = 0;
    this.leaked.clear();
    this.sinks.clear();
    let s = State.empty();
    const isFn = isFunctionLike(unit);
    const frame = this.pushFrame(unit, isFn ? fnName(unit) : '(module)', null, isFn && !ts.isArrowFunction(unit) ? [this.symbolic(unit, 'this')] : V_UNKNOWN, isFn && isAsync(unit));
    if (isFn) {
      for (const p of unit.parameters) s = this.bindPattern(p.name, [this.symbolic(p, p.name.getText())], s, true);
      if (ts.isArrowFunction(unit)) {
        // `this` of an arrow is its enclosing function's: symbolic as well.
        (frame as { thisVal: Val }).thisVal = [this.symbolic(unit, 'this')];
      }
    }
    const body = isFn ? unit.body! : unit;
    let end: State | null;
    if (ts.isBlock(body) || ts.isSourceFile(body)) end = this.execStatements(body.statements, s);
    else {
      const [v, s2] = this.evalExpr(body as ts.Expression, s);
      frame.returns.push({ state: s2, val: v, line: this.line(body) });
      end = null;
    }
    this.exitUnit(frame, end, body);
    this.frames.pop();
  }

  /** Leak checks where the root function ends: at each return, and at its end. */
  private exitUnit(frame: Frame, end: State | null, body: ts.Node): void {
    const exits: { state: State; val: Val; line: number | null }[] = frame.returns.map((r) => ({ state: r.state, val: r.val, line: r.line }));
    if (end) exits.push({ state: end, val: V_NULL, line: null });
    for (const x of exits) {
      let st = this.runPending(x.state, body);
      const isModule = ts.isSourceFile(frame.fn);
      // Module code runs once and what it holds lives as long as the module: leaks are about functions.
      if (isModule) continue;
      st = st.delVars(frame.locals);
      this.checkLeaks(st, x.val, x.line, false);
    }
  }

  /** Lines the compiler refuses, per file (calls there are skipped). */
  readonly refused = new Map<ts.SourceFile, Set<number>>();
  /** Extra refused lines a caller knows of (tsd's expectError spans). */
  refusedHook: ((sf: ts.SourceFile) => Iterable<number>) | null = null;

  isRefused(n: ts.Node): boolean {
    const sf = n.getSourceFile();
    let set = this.refused.get(sf);
    if (!set) {
      set = new Set<number>();
      if (sf.text.includes('@ts-expect-error') || sf.text.includes('@ts-ignore')) {
        const lines = sf.text.split('\n');
        lines.forEach((l, i) => {
          if (!/\/\/\s*@ts-(expect-error|ignore)\b/.test(l)) return;
          let j = i + 1;
          while (j < lines.length && (/^\s*$/.test(lines[j]!) || /^\s*\/\//.test(lines[j]!))) j++;
          set!.add(j + 1);
        });
      }
      if (this.refusedHook) for (const l of this.refusedHook(sf)) set.add(l);
      this.refused.set(sf, set);
    }
    return set.size > 0 && set.has(this.line(n));
  }

  // --------------------------------------------------------------------------------- atoms

  nodeId(n: ts.Node): number {
    let id = this.nodeIds.get(n);
    if (id === undefined) this.nodeIds.set(n, (id = this.nextNodeId++));
    return id;
  }

  newAtom(info: Omit<AtomInfo, 'id' | 'depth'> & { depth?: number }): number {
    const id = this.atoms.length;
    this.atoms.push({ depth: this.frames.length - 1, ...info, id } as AtomInfo);
    (this.atoms[id] as { frame?: number }).frame = this.frames[this.frames.length - 1]?.id ?? 0;
    return id;
  }

  info(id: number): AtomInfo {
    return this.atoms[id]!;
  }

  /** A symbolic atom for what a root (parameter, `this`, a captured variable) holds on entry. */
  symbolic(node: ts.Node, name: string): number {
    const key = `sym:${this.nodeId(node)}:${name}`;
    let id = this.children.get(key);
    if (id === undefined) {
      id = this.newAtom({ kind: 'ref', name, fresh: false, symbolic: true, depth: 0 });
      this.children.set(key, id);
    }
    return id;
  }

  /** The atom standing for what `parent[key]` holds (made once per parent and key). */
  child(parent: number, key: string, name: string): number {
    const k = `${parent}.${key}`;
    let id = this.children.get(k);
    if (id === undefined) {
      const p = this.info(parent);
      id = this.newAtom({ kind: 'ref', name, fresh: false, symbolic: !!p.symbolic, childKey: k, depth: p.depth });
      this.children.set(k, id);
    }
    return id;
  }

  /** The atom of a function or closure node. */
  funcAtom(fn: ts.SignatureDeclaration): number {
    let id = this.funcAtoms.get(fn);
    if (id === undefined) {
      id = this.newAtom({ kind: 'func', name: fnName(fn), fresh: false, fn, depth: 0 });
      this.funcAtoms.set(fn, id);
      for (const x of this.capturesOf(fn)) this.capturedSyms.add(x);
    }
    return id;
  }

  /**
   * A new value made at `site` (an allocation, an object literal). Made again while the previous
   * one is still in the state (a loop), the previous one becomes the site's older instance.
   */
  siteAtom(site: ts.Node, s: State, make: () => Omit<AtomInfo, 'id' | 'depth'>, tag = ''): [number, State] {
    const key = `${this.frames.map((f) => (f.call ? this.nodeId(f.call) : 0)).join('/')}|${this.nodeId(site)}${tag}${this.unrollTags.join('')}`;
    let id = this.sites.get(key);
    if (id === undefined) {
      id = this.newAtom(make());
      this.sites.set(key, id);
      return [id, s];
    }
    if (s.atoms.has(id)) s = this.age(s, id);
    return [id, s];
  }

  /** Recency: the atom (and what hangs off it) becomes its older, many-valued twin. */
  age(s: State, id: number): State {
    const map = new Map<number, number>();
    const add = (a: number): void => {
      const inf = this.info(a);
      if (inf.old === undefined) {
        const o = this.newAtom({ ...inf, many: true, depth: inf.depth });
        inf.old = o;
        this.atoms[o] = { ...this.atoms[o]!, old: o } as AtomInfo;
      }
      if (inf.old !== a) map.set(a, inf.old);
      const prefix = `${a}.`;
      for (const [k, c] of this.children) if (k.startsWith(prefix) && s.atoms.has(c) && !map.has(c)) add(c);
    };
    add(id);
    return s.rename(map);
  }

  // ------------------------------------------------------------------------------ frames

  top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  pushFrame(fn: ts.Node, name: string, call: ts.Node | null, thisVal: Val, async: boolean): Frame {
    const parent = this.frames[this.frames.length - 1];
    const f: Frame = {
      id: ++this.frameIds,
      fn,
      name,
      depth: this.frames.length,
      call,
      locals: [],
      returns: [],
      thisVal,
      isAsync: async,
      atomic: parent?.atomic ?? null,
      mapped: parent ? [...parent.mapped] : [],
      argNodes: new Map(),
      targets: [],
    };
    this.frames.push(f);
    return f;
  }

  inStack(fn: ts.Node): boolean {
    return this.frames.some((f) => f.fn === fn);
  }

  /** Calls followed in the current root function (a budget: past it, calls are not followed). */
  followed = 0;

  /** Whether a call could be followed outside a fixpoint search. */
  canFollowUnmuted(): boolean {
    return this.frames.length <= MAX_DEPTH && this.followed < MAX_FOLLOWED;
  }

  canFollow(): boolean {
    // In the iterations that look for a loop's fixpoint, calls are followed less deep; a root
    // function that has followed too many calls follows no more (its arguments escape: silence).
    return this.frames.length <= (this.mute > 0 ? MUTED_DEPTH : MAX_DEPTH) && this.followed < MAX_FOLLOWED;
  }

  // ------------------------------------------------------------------------------ reporting

  line(n: ts.Node): number {
    const sf = n.getSourceFile();
    return sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  }

  /** The helpers between the root function and here, for messages: " (through helper a() → b())". */
  through(): string {
    const names = this.frames.slice(1).filter((f) => f.call).map((f) => `${f.name}()`);
    return names.length ? ` (through ${names.length === 1 ? 'helper' : 'helpers'} ${names.join(' → ')})` : '';
  }

  /** Whether the atom was made inside a callee frame that is still running (its own analysis reports it). */
  private internal(id: number): boolean {
    const fr = (this.atoms[id] as { frame?: number }).frame;
    return this.frames.some((f, i) => i > 0 && f.id === fr);
  }

  /**
   * Reports at the node in the root function that led here (the call into a helper), and also at
   * the node itself when it lies inside the root function (a closure defined there).
   */
  reportAt(node: ts.Node, rule: RuleId, message: string, alsoLine?: number, cons?: Cons, deep = false): void {
    if (this.mute > 0 || !this.report) return;
    if (this.resumed) {
      // A continuation that ran after an await: at the use as the runtime meets it (when it is in
      // this file), and at the consumption that came too early.
      if (node.getSourceFile() === this.unitFile) this.reportLine(this.line(node), rule, message, node);
      if (alsoLine !== undefined) this.reportLine(alsoLine, rule, message);
      else if (node.getSourceFile() !== this.unitFile && this.frames[1]?.call) this.reportLine(this.line(this.frames[1].call), rule, message, this.frames[1].call);
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
    if (deep) primary = cands.find((n) => n.getSourceFile() === this.unitFile) ?? primary;
    spots.push(primary);
    // A closure of this function, called here: the call is where the misuse runs.
    const outer = this.frames[1];
    const closureOfUnit = outer && !!this.unitNode && outer.fn.pos >= this.unitNode.pos && outer.fn.end <= this.unitNode.end && outer.fn.getSourceFile() === this.unitFile;
    if (outer?.call && !outer.callback && closureOfUnit && outer.call !== primary && this.line(outer.call) !== this.line(primary)) spots.push(outer.call);
    for (const n of spots) {
      const sf = n.getSourceFile();
      const lc = sf.getLineAndCharacterOfPosition(n.getStart(sf));
      const f: Finding = { file: sf.fileName, line: lc.line + 1, column: lc.character + 1, rule: `memdesc/${rule}`, message };
      const key = `${f.file}:${f.line}:${f.rule}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.findings.push(f);
      this.emit(f);
    }
  }

  private consText(c: Cons): string {
    const via = c.via.length ? ` (through ${c.via.length === 1 ? 'helper' : 'helpers'} ${c.via.map((n) => `${n}()`).join(' → ')})` : '';
    const inside = c.inside ? ` inside ${c.inside}()` : '';
    return `${verbOf(c.kind)} by ${c.by}() at line ${c.line}${via}${inside}`;
  }

  /** The consumption that makes an atom dead on every path, if any. */
  deadness(id: number, s: State, depth = 0): Cons | null {
    const st = s.atom(id);
    if (st.esc || st.nul === 2) return null;
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
  }

  /** Whether every handle the value may be is dead; the consumption, or null. */
  deadVal(v: Val, s: State): { cons: Cons; id: number } | null {
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
  }

  /** A use of a value that must be a live handle (an argument to memdesc, a store, a return). */
  use(v: Val, s: State, node: ts.Node, what: string): void {
    if (this.deferring(s)) {
      const alts = this.altsOf(v, s);
      this.defer(
        s,
        node,
        (st) => {
          this.use(alts ?? v, st, node, `${what}, after an await`);
          return st;
        },
        'use',
        v,
      );
      return;
    }
    const d = this.deadVal(v, s);
    if (!d || this.sunk(d.id)) return;
    const name = this.nameOf(d.id, node);
    const rule: RuleId = d.cons.kind === 'move' ? 'use-after-move' : 'use-after-free';
    const head = rule === 'use-after-move' ? 'use after move' : 'use after free';
    this.reportAt(node, rule, `${head}: '${name}' was ${this.consText(d.cons)}, and ${what}${this.through()}; ${SENTENCE_CONSUMED}`, this.resumed ? d.cons.line : undefined, d.cons);
  }

  /** Handles reported dead in this root function: the first misuse is reported, not its consequences (the run stops there). */
  private readonly sinks = new Set<number>();

  /** Whether a misuse of the handle was already reported in this root function (and records it now). */
  private sunk(id: number): boolean {
    if (this.mute > 0 || !this.report) return false;
    if (this.sinks.has(id)) return true;
    this.sinks.add(id);
    return false;
  }

  /** How a message names a handle: the text at the use when the use is in the analysed function, else the variable it was bound to. */
  nameOf(id: number, node: ts.Node): string {
    const inUnit = !!this.unitNode && node.getSourceFile() === this.unitFile && node.pos >= this.unitNode.pos && node.end <= this.unitNode.end;
    const n = this.info(id).name;
    return inUnit || !n ? shortText(node) : n;
  }

  /** Set while a continuation started before an `await` runs. */
  resumed = false;

  // ----------------------------------------------------------------------- async deferral

  /** Inside a callee that has awaited: its effects happen when the root function next awaits. */
  deferring(s: State): boolean {
    if (process.env.MEMDESC_CHECK_TRACE) console.log('deferring?', s.susp, this.frames.map((f) => `${f.name}${f.isAsync ? '*' : ''}`));
    return s.susp === 2 && this.frames.length > 1 && this.frames.slice(1).some((f) => f.isAsync);
  }

  /** The handles a value of container elements may be (null when it holds none). */
  altsOf(v: Val, s: State): Val | null {
    if (!v.some((a) => a > UNKNOWN && s.atom(a).alts)) return null;
    let out: Val = V_NONE;
    for (const a of v) out = union(out, a > UNKNOWN && s.atom(a).alts ? s.atom(a).alts! : [a]);
    return out;
  }

  defer(s: State, node: ts.Node, run: (s: State) => State, what = '', v: Val = V_NONE): void {
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
  }
  /** Deferred effects collected while following an async callee; attached to the state after the call. */
  deferred: { run: (s: State) => State; key?: string }[] = [];

  /** Runs the continuations started before an `await` (at the root's next `await`, or its end). */
  runPending(s: State, _node: ts.Node): State {
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
  }

  // ------------------------------------------------------------------------------ consumption

  /** A consuming call (free, put, unlock, move) on a value. */
  consume(v: Val, s: State, kind: ConsumeKind, by: string, node: ts.Node, argNode: ts.Node): State {
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
      if (this.sunk(d.id)) return s;
      const name = this.nameOf(d.id, argNode);
      if (d.cons.kind === 'move') {
        this.reportAt(node, 'use-after-move', `use after move: '${name}' was ${this.consText(d.cons)}, and ${by}() ${verbOf(kind) === 'moved' ? 'moves' : 'consumes'} it again${this.through()}; ${SENTENCE_CONSUMED}`);
      } else if (s.atom(d.id).cons?.must) {
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
  }

  /** The line in the root function where this happens (the call into the helper, or the node). */
  rootLine(node: ts.Node): number {
    return this.line(this.frames[1]?.call ?? node);
  }

  // --------------------------------------------------------------------------------- escape

  /** Marks what a value may reach as escaped (seen by code the checker cannot follow). */
  escape(v: Val, s: State, seen = new Set<number>()): State {
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
  }

  private readonly captures = new Map<ts.Node, ts.Symbol[]>();

  /** Variables some closure made so far captures. */
  private readonly capturedSyms = new Set<ts.Symbol>();
  private readonly nestedCache = new Map<ts.Node, boolean>();

  /** Whether a function has closures inside it. */
  hasNested(fn: ts.Node): boolean {
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
  }

  /** The variables of enclosing scopes a closure refers to. */
  capturesOf(fn: ts.Node): ts.Symbol[] {
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
  }

  /** The key under which a closure atom keeps a captured variable's value once its scope has ended. */
  capKey(sym: ts.Symbol): string {
    return `@cap:${symId(sym)}`;
  }

  /** Closures in the state that capture one of `syms` keep those variables' values (their scope ends). */
  keepCapturesOf(syms: readonly ts.Symbol[], s: State): State {
    if (!syms.some((x) => this.capturedSyms.has(x))) return s;
    const set = new Set(syms);
    const fns = new Set<number>();
    const look = (v: Val): void => {
      for (const a of v) if (a > UNKNOWN && this.info(a).kind === 'func' && this.info(a).fn) fns.add(a);
    };
    for (const v of s.env.values()) look(v);
    for (const st of s.atoms.values()) if (st.fields) for (const v of st.fields.values()) look(v);
    for (const a of fns) {
      for (const sym of this.capturesOf(this.info(a).fn!)) {
        if (!set.has(sym)) continue;
        const v = s.val(sym);
        if (!v) continue;
        const k = this.capKey(sym);
        const had = s.field(a, k);
        s = s.setField(a, k, had ? union(had, v) : v);
      }
    }
    return s;
  }

  /** Binds, for a call of a closure, the captured variables whose scope has ended to what the closure kept. */
  bindCaptures(fn: ts.Node, frame: Frame, s: State): State {
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
  }

  /** For a call of a closure made in a loop: its captured variables hold every value its instances kept (restored after). */
  bindKeptUnion(fn: ts.Node, s: State): { state: State; restore: (s: State) => State } {
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
  }

  /** The values a closure kept of its captured variables escape. */
  escapeKept(fn: ts.Node, s: State): State {
    const fa = this.funcAtoms.get(fn);
    const kept = fa !== undefined ? s.atom(fa).fields : undefined;
    if (kept) for (const w of kept.values()) s = this.escape(w, s);
    return s;
  }

  /** A closure given to unknown code: whatever it captures may be used at any time. */
  escapeClosure(fn: ts.Node, s: State, seen: Set<number>): State {
    for (const sym of this.capturesOf(fn)) {
      const v = s.val(sym);
      if (v) s = this.escape(v, s, seen);
    }
    const fa = this.funcAtoms.get(fn);
    const kept = fa !== undefined ? s.atom(fa).fields : undefined;
    if (kept) for (const w of kept.values()) s = this.escape(w, s, seen);
    if (this.frames.some((f) => f.thisVal.some((a) => a > UNKNOWN))) s = this.escape(this.top().thisVal, s, seen);
    return s;
  }

  /**
   * A function's scope ends while closures made in it live on (stored in a field, returned): each
   * keeps the values of the variables it captures from that scope, bound again when it is called.
   */
  keepCaptures(fn: ts.Node, locals: readonly ts.Symbol[], s: State, ret: Val): State {
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
    for (const a of nested) {
      for (const sym of this.capturesOf(this.info(a).fn!)) {
        if (!lset.has(sym)) continue;
        const v = s.val(sym);
        if (!v) continue;
        const k = this.capKey(sym);
        const had = s.field(a, k);
        s = s.setField(a, k, had ? union(had, v) : v);
      }
    }
    return s;
  }

  // --------------------------------------------------------------------------------- leaks

  /** Atoms reachable from the live variables, the return value and what outlives the function. */
  reachable(s: State, extra: Val, exclude?: ts.Symbol): Set<number> {
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
  }

  /** The handles reachable from objects through their fields (not through escaped objects). */
  heldBy(objs: readonly number[], s: State): number[] {
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
  }

  /** Atoms reachable from an instance of a user class (`new C()`). */
  private heldByInstances(s: State): Set<number> {
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
  }

  /** Whether an atom is an owned resource that is live on every path (a leak if dropped). */
  leakable(id: number, s: State, held = false): boolean {
    const inf = this.info(id);
    if (!inf.fresh || inf.kind !== 'ref' || this.internal(id)) return false;
    const st = s.atoms.get(id);
    // `held`: a variable held it (dropped now), so it exists on the paths that matter. Else, at a
    // function's exit, it must be known not null: whether it is may hang on another variable's test.
    if (!st || st.esc || st.stored || st.cons || st.nul === 2 || (!held && (st.ex !== 2 || st.nul !== 0))) return false;
    const b = st.base;
    if (b !== undefined && b !== id && s.atom(b).esc) return false;
    return true;
  }

  /** At an exit of the root function: every owned, live handle nothing reaches is a leak. */
  checkLeaks(s: State, ret: Val, line: number | null, keepVars: boolean): void {
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
  }

  /** Reports at the first token of a line of the analysed file. */
  reportLine(line: number, rule: RuleId, message: string, at?: ts.Node): void {
    if (this.mute > 0 || !this.report || !this.unitFile) return;
    const sf = this.unitFile;
    const pos = sf.getPositionOfLineAndCharacter(Math.max(0, line - 1), 0);
    let p = at && at.getSourceFile() === sf ? at.getStart(sf) : pos;
    while (p < sf.text.length && (sf.text[p] === ' ' || sf.text[p] === '\t')) p++;
    const lc = sf.getLineAndCharacterOfPosition(p);
    const f: Finding = { file: sf.fileName, line: lc.line + 1, column: lc.character + 1, rule: `memdesc/${rule}`, message };
    const key = `${f.file}:${f.line}:${f.rule}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
    this.emit(f);
  }

  /** Atoms reported as leaked in this function (not reported again at its exit). */
  private readonly leaked = new Set<number>();

  leakAt(id: number, atLine: number, why: string, _s: State, node?: ts.Node): void {
    if (this.mute > 0 || !this.report) return;
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
  }

  /**
   * Block-scoped variables die (a loop body's, at `continue`, `break` or the end of an iteration):
   * what only they held is leaked — reported at the jump, or at the allocation for a fall-through.
   */
  scopeEnd(s: State, syms: ts.Symbol[], node: ts.Node | null): State {
    if (syms.length === 0 || this.frames.length > 1 || ts.isSourceFile(this.top().fn)) return s;
    const dying = syms.filter((x) => {
      const d = x.valueDeclaration;
      return d && (ts.isVariableDeclaration(d) || ts.isBindingElement(d)) && (ts.getCombinedNodeFlags(d) & (NF.Let | NF.Const)) !== 0;
    });
    // Closures that capture a dying variable keep its value.
    s = this.keepCapturesOf(dying, s);
    let old: Val = V_NONE;
    for (const x of dying) old = union(old, s.val(x) ?? V_NONE);
    const cands = old.filter((a) => a > UNKNOWN && this.leakable(a, s, true) && s.atom(a).nul === 0);
    if (cands.length === 0) return s;
    const after = s.delVars(dying);
    const reach = this.reachable(after, V_NONE);
    for (const a of cands) {
      if (reach.has(a)) continue;
      if (node) this.leakAt(a, this.line(node), `its variable goes out of scope at this ${ts.isContinueStatement(node) ? 'continue' : 'break'}`, s, node);
      else this.leakAt(a, this.info(a).line ?? 0, 'its variable goes out of scope at the end of the loop body', s);
    }
    return s;
  }

  /** A reference was dropped (a variable overwritten, an entry deleted): report what it was the last of. */
  dropped(old: Val, s: State, node: ts.Node, why: string, exclude?: ts.Symbol, inCallee = false): State {
    // In a callee followed from here, only a field or entry overwritten is the callee's doing (a
    // value it discards or a variable it reassigns may be the caller's argument, or a throw).
    if (ts.isSourceFile(this.frames[0]!.fn) || (this.frames.length > 1 && !inCallee)) return s;
    // A dropped object (your class's instance, a struct) drops what only it held.
    const held = this.heldBy(old.filter((a) => a > UNKNOWN && this.info(a).kind === 'obj' && !s.atom(a).esc), s);
    const cands = [...old, ...held].filter((a) => a > UNKNOWN && this.leakable(a, s, true) && (old.includes(a) || s.atom(a).nul === 0));
    if (cands.length === 0) return s;
    const reach = this.reachable(s, V_NONE, exclude);
    for (const a of cands) {
      if (reach.has(a)) continue;
      this.leakAt(a, this.line(node), why, s, node);
    }
    return s;
  }

  // ------------------------------------------------------------------------------ statements

  /**
   * Runs statements, keeping the paths of a branch on a plain condition apart (a variable, a
   * comparison of variables and literals: `if (shared)`, `c ? a : b`) until the block ends, so a
   * later test of the same condition takes the same branch, and a handle freed on one of the paths
   * is dead on it. At most {@link MAX_PATHS} paths; more are joined.
   */
  execStatements(stmts: readonly ts.Statement[], s: State | null): State | null {
    let paths: State[] = s ? [s] : [];
    for (const st of stmts) {
      const next: State[] = [];
      for (const p of paths) next.push(...this.execSplit(st, p));
      paths = next.length > MAX_PATHS ? [next.reduce((a, b) => join(a, b)!)] : next;
      if (paths.length === 0) return null;
    }
    return paths.length ? paths.reduce((a, b) => join(a, b)!) : null;
  }

  /** Conditional expressions whose branch is chosen for the statement being run on a split path. */
  private readonly forced = new Map<ts.Node, boolean>();

  private execSplit(st: ts.Statement, p: State): State[] {
    if (ts.isIfStatement(st) && this.factKey(stripNot(st.expression))) {
      const [t, f] = this.evalCond(st.expression, p);
      const a = t ? this.exec(st.thenStatement, t) : null;
      const b = st.elseStatement ? (f ? this.exec(st.elseStatement, f) : null) : f;
      return [a, b].filter((x): x is State => x !== null);
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
  }

  /** A key for a condition made of variables, fields, literals and comparisons; null for anything else. */
  factKey(e: ts.Expression): string | null {
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
  }

  /** A variable or field changed: conditions that mention it are no longer known. */
  forgetFacts(s: State, name: string): State {
    if (s.facts.size === 0) return s;
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`);
    for (const k of s.facts.keys()) if (re.test(k)) s = s.withFact(k, null);
    return s;
  }

  exec(node: ts.Statement, s: State): State | null {
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
        const [t, f] = this.evalCond(n.expression, s);
        const a = t ? this.exec(n.thenStatement, t) : null;
        const b = n.elseStatement ? (f ? this.exec(n.elseStatement, f) : null) : f;
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
        if (st) this.top().returns.push({ state: st, val: v, line: this.line(node) });
        return null;
      }
      case SK.ThrowStatement: {
        const n = node as ts.ThrowStatement;
        const [, st] = this.evalExpr(n.expression, s);
        const c = this.innermost('catch');
        if (c) (c.throws ??= []).push(st);
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
  }

  /** Whether a call's resolved return type is `never` (`process.exit()`, a `fail(): never` helper). */
  returnsNever(call: ts.CallExpression): boolean {
    // By the declaration's written return type (cheap: no signature resolution).
    let callee: ts.Node = call.expression;
    if (ts.isPropertyAccessExpression(callee)) callee = callee.name;
    const sym0 = this.checker.getSymbolAtLocation(callee);
    const sym = sym0 && resolveAlias(this.checker, sym0);
    return !!sym?.declarations?.some((d) => ts.isFunctionLike(d) && d.type?.kind === SK.NeverKeyword);
  }

  private internalVal(v: Val): boolean {
    return v.length > 0 && v.every((a) => a <= UNKNOWN || this.internal(a));
  }

  private innermost(kind: Target['kind']): Target | undefined {
    const t = this.top().targets;
    for (let i = t.length - 1; i >= 0; i--) if (t[i]!.kind === kind) return t[i];
    return undefined;
  }

  /** A jump leaving targets[from..]: the finally blocks and `using` scopes in between run first. */
  private throughFinally(s: State, from: number): State | null {
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
  }

  /** The end of a `using` scope: what is still live is freed, put or unlocked; what was consumed by hand is left alone. */
  private disposeUsings(us: { sym: ts.Symbol; line: number; kind: ConsumeKind; decl: ts.VariableDeclaration }[], s: State, node: ts.Node): State {
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
  }

  /** The `[Symbol.dispose]()` method (with a body) of a `using` variable's type, if any. */
  private disposeMethod(d: ts.VariableDeclaration): ts.MethodDeclaration | null {
    const t = this.checker.getTypeAtLocation(d.name);
    const prop = t.getProperties().find((p) => String(p.escapedName).startsWith('__@dispose@'));
    const decl = prop?.declarations?.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && !!x.body);
    return decl && !decl.getSourceFile().isDeclarationFile ? decl : null;
  }

  execBlock(b: ts.Block, s: State): State | null {
    const hasUsing = b.statements.some((st) => ts.isVariableStatement(st) && (st.declarationList.flags & NF.Using) !== 0);
    if (!hasUsing) return this.execStatements(b.statements, s);
    // A `using` scope: a target so jumps out of it dispose what it declared.
    const t: Target = { kind: 'label', label: '\0using', node: b, breaks: [], continues: [], usings: [] };
    this.top().targets.push(t);
    let out = this.execStatements(b.statements, s);
    this.top().targets.pop();
    if (out) out = this.disposeUsings(t.usings!, out, b.getLastToken() ?? b);
    return out;
  }

  private execVarList(list: ts.VariableDeclarationList, s: State, node: ts.Node): State | null {
    const using = (list.flags & NF.Using) !== 0;
    for (const d of list.declarations) {
      let v: Val = V_NULL;
      if (d.initializer) [v, s] = this.evalExpr(d.initializer, s);
      if (ts.isIdentifier(d.name)) this.nameAtoms(v, d.name.text, s);
      s = this.bindPattern(d.name, v, s, false, node);
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
  }

  /** Gives fresh atoms the name of the variable they are first bound to. */
  nameAtoms(v: Val, name: string, s: State): void {
    void s;
    for (const a of v) {
      const inf = this.info(a);
      if (a > UNKNOWN && inf.kind === 'ref' && !inf.symbolic && inf.name === '') inf.name = name;
    }
  }

  /** Binds a declaration name or pattern to a value. */
  bindPattern(name: ts.BindingName, v: Val, s: State, param: boolean, _node?: ts.Node): State {
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
  }

  /** A variable used as a container key changed: forget what those keys held. */
  forgetKeys(sym: ts.Symbol, s: State): State {
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
  }

  private execLoop(node: ts.IterationStatement, s: State, _label: string | undefined): State | null {
    const t: Target = { kind: 'loop', node, breaks: [], continues: [] };
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
    // Loops run exactly: a small constant range, or a container whose entries are all known.
    if (ts.isForStatement(node)) {
      const plan = countedLoop(this, node);
      if (plan && canUnroll(this, plan.values.length)) return execCounted(this, node, entry, plan);
    }
    if (ts.isForOfStatement(node) && !node.awaitModifier) {
      // `for (const id of [1, 2, 3])`: once per constant.
      const lits = literalList(this, node.expression);
      const byConst = lits && canUnroll(this, lits.length) ? execConstForOf(this, node, entry, lits) : undefined;
      if (byConst !== undefined) return byConst;
      // `for (const k of map.keys())` / `[...map.keys()]` over a Map whose keys are all known.
      const keysOf = mapKeysCall(node.expression);
      if (keysOf) {
        const [m] = this.evalExpr(keysOf, entry);
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
    const final = body(head);
    if (last.back) {
      const backHead = last.back;
      body(backHead);
    }
    return this.consumedEach(node, iterable, head, final);
  }

  /**
   * `for (const p of pages) freePage(p)` over a container the function made: when every iteration
   * that goes round consumes its element and none breaks out, every element is consumed.
   */
  private consumedEach(node: ts.IterationStatement, iterable: Val, head: State, final: { out: State | null; back: State | null }): State | null {
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
    }
    return out;
  }

  /** A loop without a fixpoint in a few iterations: go silent on every atom it changed. */
  private widen(head: State, entry: State): State {
    let s = head;
    for (const [id, st] of head.atoms) if (entry.atoms.get(id) !== st) s = s.update(id, { esc: true });
    return s;
  }

  private execSwitch(node: ts.SwitchStatement, s: State): State | null {
    let st: State;
    [, st] = this.evalExpr(node.expression, s);
    const t: Target = { kind: 'switch', node, breaks: [], continues: [] };
    this.top().targets.push(t);
    let fall: State | null = null;
    let hasDefault = false;
    for (const clause of node.caseBlock.clauses) {
      let entry: State | null = st;
      if (ts.isCaseClause(clause)) entry = this.evalExpr(clause.expression, st)[1];
      else hasDefault = true;
      const start = join(entry, fall);
      fall = this.execStatements(clause.statements, start);
    }
    this.top().targets.pop();
    let out = fall;
    if (!hasDefault) out = join(out, st);
    for (const b of t.breaks) out = join(out, b);
    return out;
  }

  private execTry(node: ts.TryStatement, s: State): State | null {
    const frame = this.top();
    const fin: Target | null = node.finallyBlock ? { kind: 'finally', node, breaks: [], continues: [], block: node.finallyBlock } : null;
    if (fin) frame.targets.push(fin);
    const cat: Target | null = node.catchClause ? { kind: 'catch', node, breaks: [], continues: [], throws: [] } : null;
    if (cat) frame.targets.push(cat);
    let out = this.execBlock(node.tryBlock, s);
    if (cat) {
      frame.targets.pop();
      // Anything in the try may have thrown: the catch starts from what held before it, after it,
      // or at a throw.
      let entry: State | null = join(s, out);
      for (const t of cat.throws ?? []) entry = join(entry, t);
      const c = node.catchClause!;
      if (entry && c.variableDeclaration) entry = this.bindPattern(c.variableDeclaration.name, V_UNKNOWN, entry, false);
      const caught = entry ? this.execBlock(c.block, entry) : null;
      out = join(out, caught);
    }
    if (fin) {
      frame.targets.pop();
      if (out) out = this.execBlock(node.finallyBlock!, out);
    }
    return out;
  }

  // ----------------------------------------------------------------------------- expressions

  evalExpr(e: ts.Expression, s: State): [Val, State] {
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
        return [n.questionDotToken ? union(v, V_NULL) : v, st2];
      }
      case SK.ElementAccessExpression: {
        const n = e as ts.ElementAccessExpression;
        const [o, st] = this.evalExpr(n.expression, s);
        let st2: State;
        [, st2] = this.evalExpr(n.argumentExpression, st);
        const key = this.keyOf(n.argumentExpression);
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
        if (n.operator === SK.PlusPlusToken || n.operator === SK.MinusMinusToken) return [V_UNKNOWN, this.assignTo(n.operand, V_UNKNOWN, st, e)];
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
  }

  /** The user-written `get` accessor a property access reads, if any. */
  getterOf(n: ts.PropertyAccessExpression): ts.GetAccessorDeclaration | null {
    const sym = this.checker.getSymbolAtLocation(n.name);
    const d = sym?.declarations?.find((x): x is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(x) && !!x.body);
    return d && !d.getSourceFile().isDeclarationFile && !this.isMemdesc(d) ? d : null;
  }

  /** `x!`: not null. When the value is one allocation result, that allocation succeeded. */
  nonNull(v: Val, s: State): [Val, State] {
    const w = v.filter((a) => a !== NULL);
    if (w.length === 1 && w[0]! > UNKNOWN && s.atom(w[0]!).nul === 1) s = s.update(w[0]!, { nul: 0 });
    return [w.length ? w : V_UNKNOWN, s];
  }

  readVar(id: ts.Identifier, s: State): [Val, State] {
    if (id.text === 'undefined') return [V_NULL, s];
    const sym = this.checker.getSymbolAtLocation(id);
    if (!sym) return [V_UNKNOWN, s];
    const v = s.val(sym);
    if (v) return [v, s];
    return this.lookupOuter(sym, s);
  }

  /** A variable with no value in the state: a function, or what an outer scope holds (symbolic). */
  lookupOuter(sym0: ts.Symbol, s: State): [Val, State] {
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
      if (this.frames.some((f) => f.locals.includes(sym))) return [V_UNKNOWN, s];
      let a = this.symbolicOf.get(sym);
      if (a === undefined) {
        a = this.newAtom({ kind: 'ref', name: sym.name, fresh: false, symbolic: true, depth: 0 });
        this.symbolicOf.set(sym, a);
      }
      const v: Val = [a];
      return [v, s.setVar(sym, v)];
    }
    if (ts.isParameter(decl) || ts.isBindingElement(decl)) {
      if (this.frames.some((f) => f.locals.includes(sym))) return [V_UNKNOWN, s];
      let a = this.symbolicOf.get(sym);
      if (a === undefined) {
        a = this.newAtom({ kind: 'ref', name: sym.name, fresh: false, symbolic: true, depth: 0 });
        this.symbolicOf.set(sym, a);
      }
      const v: Val = [a];
      return [v, s.setVar(sym, v)];
    }
    return [V_UNKNOWN, s];
  }

  /** The key of `o[k]` / `map.get(k)`: a literal or a variable, else null (imprecise). */
  keyOf(k: ts.Expression, depth = 0): string | null {
    if (ts.isNumericLiteral(k) || ts.isStringLiteral(k) || ts.isNoSubstitutionTemplateLiteral(k)) return `[L:${k.text}]`;
    // A key the checker can compute (a constant, arithmetic on constants and constant arguments).
    const c = constValue(this, k);
    if (c !== null) return `[L:${c}]`;
    if (ts.isIdentifier(k)) {
      const sym = this.checker.getSymbolAtLocation(k);
      if (!sym) return null;
      const lc = this.loopConst.get(sym);
      if (lc !== undefined) return `[L:${lc}]`;
      const decl = sym.valueDeclaration;
      // A parameter bound to a literal argument, or a const initialised with one: that literal.
      if (depth < 6) {
        for (let i = this.frames.length - 1; i >= 0; i--) {
          const b = this.frames[i]!.argNodes.get(sym);
          if (b) {
            const lit = ts.isNumericLiteral(b.node) || ts.isStringLiteral(b.node) ? `[L:${b.node.text}]` : null;
            if (lit) return lit;
            break;
          }
        }
        if (decl && ts.isVariableDeclaration(decl) && decl.initializer && (ts.getCombinedNodeFlags(decl) & NF.Const) !== 0) {
          const init = decl.initializer;
          if (ts.isNumericLiteral(init) || ts.isStringLiteral(init)) return `[L:${init.text}]`;
        }
      }
      if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isBindingElement(decl))) {
        this.keySyms.add(sym);
        return `[V:${symId(sym)}]`;
      }
      if (decl && ts.isEnumMember(decl)) return `[E:${sym.name}]`;
      return null;
    }
    if (ts.isPrefixUnaryExpression(k) && k.operator === SK.MinusToken && ts.isNumericLiteral(k.operand)) return `[L:-${k.operand.text}]`;
    return null;
  }

  /** `o.f` on every atom `o` may be. */
  readField(o: Val, key: string, s: State, name: string): [Val, State] {
    o = this.throughAlts(o, s);
    let out: Val = V_NONE;
    for (const a of o) {
      if (a <= UNKNOWN) {
        out = union(out, V_UNKNOWN);
        continue;
      }
      const inf = this.info(a);
      const st = s.atom(a);
      const have = st.fields?.get(key);
      if (have) {
        out = union(out, have);
        continue;
      }
      if (st.esc || inf.kind === 'func') {
        out = union(out, V_UNKNOWN);
        continue;
      }
      if (inf.symbolic || inf.kind === 'obj' || inf.container === 'object') {
        if (!inf.symbolic && inf.container) {
          out = union(out, V_UNKNOWN);
          continue;
        }
        if (!inf.symbolic) {
          out = union(out, V_UNKNOWN);
          continue;
        }
        let c = this.child(a, key, name);
        if (s.atoms.has(c)) s = this.age(s, c);
        c = this.child(a, key, name);
        s = s.setAtom(c, { nul: 1 }).setField(a, key, [c]);
        out = union(out, [c]);
        continue;
      }
      out = union(out, V_UNKNOWN);
    }
    return [out.length ? out : V_UNKNOWN, s];
  }

  /**
   * An element read from a container stands for one of the objects stored there: its fields are
   * theirs (a read is one of their fields, a write may change any of them).
   */
  throughAlts(o: Val, s: State): Val {
    if (!o.some((a) => a > UNKNOWN && s.atom(a).alts && this.info(a).kind === 'ref')) return o;
    let out: Val = V_NONE;
    for (const a of o) {
      const alts = a > UNKNOWN && this.info(a).kind === 'ref' ? s.atom(a).alts : undefined;
      if (alts && alts.length && alts.every((x) => x > UNKNOWN && this.info(x).kind === 'obj')) out = union(out, alts);
      else out = union(out, [a]);
    }
    return out;
  }

  /** `o[k]` (an array element or Map entry) on every atom `o` may be; `key` null when imprecise. */
  readElem(o: Val, key: string | null, s: State, name: string): [Val, State] {
    let out: Val = V_NONE;
    for (const a of o) {
      if (a <= UNKNOWN) {
        out = union(out, V_UNKNOWN);
        continue;
      }
      const inf = this.info(a);
      const st = s.atom(a);
      if (st.esc || inf.kind === 'func') {
        out = union(out, V_UNKNOWN);
        continue;
      }
      const have = key ? st.fields?.get(key) : undefined;
      if (have) {
        out = union(out, have);
        continue;
      }
      if (inf.symbolic) {
        if (!key) {
          out = union(out, V_UNKNOWN);
          continue;
        }
        const c0 = this.child(a, key, name);
        if (s.atoms.has(c0)) s = this.age(s, c0);
        const c = this.child(a, key, name);
        s = s.setAtom(c, { nul: 1 }).setField(a, key, [c]);
        out = union(out, [c]);
        continue;
      }
      if (inf.container) {
        // A local container: the element is one of what was stored.
        const all = this.contents(a, s);
        if (all.includes(UNKNOWN)) {
          out = union(out, union(all, V_NULL));
          continue;
        }
        if (!key) {
          out = union(out, union(all, V_NULL));
          continue;
        }
        // Every key known and literal (a Map by constant keys, an array of known length): a key
        // that is not there holds nothing.
        if (key.startsWith('[L:') && this.exactKeys(a, s)) {
          out = union(out, V_NULL);
          continue;
        }
        const c0 = this.child(a, key, name);
        if (s.atoms.has(c0)) s = this.age(s, c0);
        const c = this.child(a, key, name);
        const alts = all.filter((x) => x > UNKNOWN);
        if (alts.length === 1 && !this.info(alts[0]!).many) {
          out = union(out, union(alts, V_NULL));
          continue;
        }
        s = s.setAtom(c, { nul: 1, ex: 2, ...(alts.length ? ({ alts } as object) : {}) } as AtomState).setField(a, key, [c]);
        out = union(out, [c]);
        continue;
      }
      out = union(out, V_UNKNOWN);
    }
    return [out.length ? out : V_UNKNOWN, s];
  }

  /** Whether a local container's keys are all known literals on every path (so a missing one is absent). */
  exactKeys(a: number, s: State): boolean {
    const inf = this.info(a);
    const st = s.atom(a);
    if (inf.many || st.esc || st.ex !== 2 || (inf.container !== 'map' && inf.container !== 'array')) return false;
    if (inf.container === 'array' && st.len === undefined) return false;
    for (const k of st.fields?.keys() ?? []) if (k.startsWith('[') && !k.startsWith('[L:')) return false;
    return true;
  }

  /** Everything a local container may hold. */
  contents(a: number, s: State): Val {
    let all: Val = V_NONE;
    for (const [k, v] of s.atom(a).fields ?? []) if (k.startsWith('[')) all = union(all, v);
    return all;
  }

  /** The element a for-of over a value binds. */
  iterElement(it: Val, s: State, node: ts.Node): [Val, State] {
    let out: Val = V_NONE;
    for (const a of it) {
      if (a <= UNKNOWN || !this.info(a).container || s.atom(a).esc) {
        out = union(out, V_UNKNOWN);
        continue;
      }
      const inf = this.info(a);
      const all = this.contents(a, s);
      if (inf.container === 'map') {
        // for (const [k, v] of map)
        let t: number;
        [t, s] = this.siteAtom(node, s, () => ({ kind: 'obj', name: 'entry', fresh: false, container: 'array' }), ':entry');
        let e: number;
        [e, s] = this.elemAlias(node, all, s);
        s = s.setAtom(t, { ex: 2, fields: new Map([['[L:0]', V_UNKNOWN], ['[L:1]', [e]]]) });
        out = union(out, [t]);
        continue;
      }
      let e: number;
      [e, s] = this.elemAlias(node, all, s);
      out = union(out, [e]);
    }
    return [out.length ? out : V_UNKNOWN, s];
  }

  /** A singleton standing for one of `alts` (consuming it consumes each of them maybe). */
  elemAlias(node: ts.Node, alts: Val, s: State, nullable = false): [number, State] {
    // One of them is not known: the known ones may be what is read, and go where it goes.
    if (alts.includes(UNKNOWN)) return [UNKNOWN, this.escape(alts, s)];
    let e: number;
    [e, s] = this.siteAtom(node, s, () => ({ kind: 'ref', name: '', fresh: false }), ':elem');
    const real = alts.filter((x) => x > UNKNOWN);
    s = s.setAtom(e, { ex: 2, nul: nullable || alts.includes(NULL) ? 1 : 0, ...(real.length ? ({ alts: real } as object) : {}) } as AtomState);
    return [e, s];
  }

  writeField(o: Val, key: string, v: Val, s: State, node: ts.Node, isDelete = false): State {
    const o0 = o;
    o = this.throughAlts(o, s);
    // `arr.length = n`: the array's length (and what it holds past it) is no longer known.
    if (key === 'length') {
      for (const a of o) {
        if (a <= UNKNOWN || this.info(a).container !== 'array') continue;
        const { len: _l, ...rest } = s.atom(a);
        void _l;
        const f = new Map<string, Val>();
        let star: Val = V_NONE;
        for (const [k, w] of rest.fields ?? []) if (k.startsWith('[')) star = union(star, w); else f.set(k, w);
        if (star.length) f.set('[*]', star);
        s = s.setAtom(a, { ...rest, fields: f });
      }
    }
    const refs = o.filter((a) => a > UNKNOWN);
    if (o.includes(UNKNOWN) || refs.length === 0) return isDelete ? s : this.store(v, s, node, true);
    const strong = refs.length === 1 && !this.info(refs[0]!).many && o0 === o;
    for (const a of refs) {
      const inf = this.info(a);
      if (inf.kind === 'func' || s.atom(a).esc) {
        s = this.store(v, s, node, true);
        continue;
      }
      const old = s.atom(a).fields?.get(key);
      const nv = strong || !old ? v : union(old, v);
      s = s.setField(a, key, nv);
      if (inf.symbolic) s = this.store(v, s, node, false);
      if (strong && old) s = this.dropped(old.filter((x) => !v.includes(x)), s, node, isDelete ? 'the entry holding it is deleted here' : 'the field holding it is overwritten here', undefined, true);
    }
    if (!isDelete) this.use(v, s, node, 'is stored here');
    return s;
  }

  /** A value put where it outlives the function (a field of a parameter, `this`, a global). */
  store(v: Val, s: State, node: ts.Node, unknown: boolean): State {
    void node;
    if (unknown) return this.escape(v, s);
    for (const a of v) if (a > UNKNOWN && this.info(a).kind === 'ref' && !s.atom(a).stored) s = s.update(a, { stored: true });
    return s;
  }

  writeElem(o: Val, key: string | null, v: Val, s: State, node: ts.Node): State {
    const refs = o.filter((a) => a > UNKNOWN);
    if (o.includes(UNKNOWN) || refs.length === 0) return this.store(v, s, node, true);
    const strong = refs.length === 1 && !this.info(refs[0]!).many;
    for (const a of refs) {
      const inf = this.info(a);
      if (inf.kind === 'func' || s.atom(a).esc) {
        s = this.store(v, s, node, true);
        continue;
      }
      if (key) {
        // Another variable key may name the same entry: only distinct literals are known apart.
        const st = s.atom(a);
        if (st.fields && [...st.fields.keys()].some((k) => k.startsWith('[') && k !== '[*]' && k !== key && !(k.startsWith('[L:') && key.startsWith('[L:')))) {
          const f = new Map<string, Val>();
          let star: Val = st.fields.get('[*]') ?? V_NONE;
          for (const [k, w] of st.fields) {
            if (k.startsWith('[') && k !== '[*]' && k !== key && !(k.startsWith('[L:') && key.startsWith('[L:'))) star = union(star, w);
            else f.set(k, w);
          }
          if (!inf.symbolic) f.set('[*]', star);
          s = s.setAtom(a, { ...st, fields: f });
        }
        const old = s.atom(a).fields?.get(key);
        s = s.setField(a, key, strong || !old ? v : union(old, v));
        // A local array's length: known while every index written is known.
        const len = s.atom(a).len;
        if (len !== undefined) {
          const n = key.startsWith('[L:') ? Number(key.slice(3, -1)) : NaN;
          const nl = strong && Number.isInteger(n) && n >= 0 && n <= len ? Math.max(len, n + 1) : undefined;
          if (nl !== len) s = s.setAtom(a, { ...s.atom(a), len: nl as number });
        }
        if (strong && old) s = this.dropped(old.filter((x) => !v.includes(x)), s, node, 'the entry holding it is overwritten here', undefined, true);
      } else {
        // An imprecise index: the precise keys may have changed.
        const st = s.atom(a);
        const f = new Map<string, Val>();
        let star: Val = v;
        for (const [k, w] of st.fields ?? []) {
          if (k.startsWith('[')) star = union(star, w);
          else f.set(k, w);
        }
        f.set('[*]', star);
        const { len: _len, ...rest } = st;
        void _len;
        s = s.setAtom(a, { ...rest, fields: f });
      }
      if (inf.symbolic) s = this.store(v, s, node, false);
    }
    this.use(v, s, node, 'is stored here');
    return s;
  }

  private objectLiteral(e: ts.ObjectLiteralExpression, s: State): [Val, State] {
    const fields = new Map<string, Val>();
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p)) {
        const [v, st] = this.evalExpr(p.initializer, s);
        s = st;
        const k = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : null;
        if (k) fields.set(k, v);
        else s = this.escape(v, s);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        const sym = this.checker.getShorthandAssignmentValueSymbol(p);
        const [v, st] = sym ? (s.val(sym) ? [s.val(sym)!, s] : this.lookupOuter(sym, s)) : [V_UNKNOWN, s];
        s = st;
        fields.set(p.name.text, v);
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
    let id: number;
    [id, s] = this.siteAtom(e, s, () => ({ kind: 'obj', name: '', fresh: false, container: 'object' }));
    s = s.setAtom(id, { ex: 2, fields });
    for (const v of fields.values()) this.use(v, s, e, 'is stored in an object here');
    return [[id], s];
  }

  private arrayLiteral(e: ts.ArrayLiteralExpression, s: State): [Val, State] {
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
    let id: number;
    [id, s] = this.siteAtom(e, s, () => ({ kind: 'obj', name: '', fresh: false, container: 'array' }));
    s = s.setAtom(id, { ex: 2, fields, ...(precise ? { len: e.elements.length } : {}) });
    return [[id], s];
  }

  private binary(e: ts.BinaryExpression, s: State): [Val, State] {
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
      const r = isNull ? this.evalExpr(e.right, isNull) : null;
      const left = lv.filter((a) => a !== NULL);
      if (!r) return [left.length ? left : V_UNKNOWN, nn ?? st];
      return [union(left, r[0]), join(nn, r[1]) ?? st];
    }
    if (op === SK.EqualsToken) {
      const [v, st] = this.evalExpr(e.right, s);
      if (ts.isIdentifier(e.left)) this.nameAtoms(v, e.left.text, st);
      return [v, this.assignTo(e.left, v, st, e)];
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
      return [V_UNKNOWN, this.assignTo(e.left, V_UNKNOWN, st2, e)];
    }
    if (op === SK.CommaToken) {
      const [, st] = this.evalExpr(e.left, s);
      return this.evalExpr(e.right, st);
    }
    const [, st] = this.evalExpr(e.left, s);
    const [, st2] = this.evalExpr(e.right, st);
    return [V_UNKNOWN, st2];
  }

  /** Assigns to a variable, a field, an element, or a destructuring pattern. */
  assignTo(target: ts.Node, v: Val, s: State, node: ts.Node, weak = false): State {
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
      s = this.forgetFacts(this.forgetKeys(sym, s), target.text);
      s = s.setVar(sym, v);
      if (!weak) s = this.dropped(old.filter((a) => !v.includes(a)), s, node, `'${target.text}' is overwritten here`);
      return s;
    }
    if (ts.isPropertyAccessExpression(target)) {
      const [o, st] = this.evalExpr(target.expression, s);
      return this.writeField(o, target.name.text, v, this.forgetFacts(st, target.name.text), node);
    }
    if (ts.isElementAccessExpression(target)) {
      const [o, st] = this.evalExpr(target.expression, s);
      const [, st2] = this.evalExpr(target.argumentExpression, st);
      const key = this.keyOf(target.argumentExpression);
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
  }

  // ------------------------------------------------------------------------------ conditions

  /** Splits a state on `e ?? …`: the left side not null, and null. */
  private splitNull(e: ts.Expression, v: Val, s: State): [State | null, State | null] {
    return this.refine(e, v, s, true);
  }

  /**
   * Refines on `x` being truthy/non-null (`nonNull` true) or falsy/null (false): the variable's
   * value, and an allocation result's null-ness.
   */
  private refine(e: ts.Expression, v: Val, s: State, nonNullFirst: boolean): [State | null, State | null] {
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
    const canNull = hasNull || nullable.length > 0 || v.includes(UNKNOWN) || refs.some((a) => s.atom(a).nul === undefined && this.info(a).symbolic);
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
  }

  /** Narrows what a variable (or a field path) holds on one side of a condition. */
  private setExprVal(e: ts.Expression, v: Val, s: State): State {
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
    return s;
  }

  /** Evaluates a condition: the states where it holds and where it does not. */
  evalCond(e: ts.Expression, s: State): [State | null, State | null] {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const key = this.factKey(e);
    if (key !== null) {
      const known = s.facts.get(key);
      if (known !== undefined) return known ? [s, null] : [null, s];
      const [t, f] = this.evalCond0(e, s);
      return [t && t.withFact(key, true), f && f.withFact(key, false)];
    }
    return this.evalCond0(e, s);
  }

  private evalCond0(e: ts.Expression, s: State): [State | null, State | null] {
    if (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken) {
      const [t, f] = this.evalCond(e.operand, s);
      return [f, t];
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
    const [v, st] = this.evalExpr(e, s);
    if (v.some((a) => a === NULL || (a > UNKNOWN && this.info(a).kind === 'ref'))) {
      // A handle is an object or a nonzero address: truthy unless it may be null. A side the
      // refinement rules out is not a path (its state would hold what cannot happen).
      const [nn, nl] = this.refine(e, v, st, true);
      return [nn, nl];
    }
    // An object or a function is truthy.
    if (v.length && v.every((a) => a > UNKNOWN && this.info(a).kind !== 'ref')) return [st, null];
    return [st, st];
  }

  // ------------------------------------------------------------------------------ sleeping

  /** Whether a GFP argument may sleep: by its type, through `|`, through a helper's parameter. */
  gfpMaySleep(node: ts.Expression, frame: Frame | undefined, depth = 0): boolean {
    if (depth > 6) return false;
    while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) node = node.expression;
    if (ts.isIdentifier(node) && frame) {
      const sym = this.checker.getSymbolAtLocation(node);
      const bound = sym && frame.argNodes.get(sym);
      if (bound) return this.gfpMaySleep(bound.node, bound.frame, depth + 1);
    }
    const t = gfpSleeps(this.checker, this.checker.getTypeAtLocation(node));
    if (t !== undefined) return t;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === SK.BarToken) return this.gfpMaySleep(node.left, frame, depth + 1) || this.gfpMaySleep(node.right, frame, depth + 1);
    return false;
  }

  /** A call that may sleep: a finding when it runs inside a spinlock taken in the root function. */
  sleeping(call: ts.CallExpression, what: string): void {
    const a = this.top().atomic;
    if (!a || a.depth !== 0) return;
    this.reportAt(call, 'sleep-in-atomic', `sleep in atomic context: ${what} may sleep${this.through()}, inside the withSpinLock() callback at line ${a.line}; ${SENTENCE_SLEEP}`);
  }

  isProcessCtx(node: ts.Expression, frame: Frame | undefined, depth = 0): boolean {
    if (depth > 6) return false;
    if (ts.isIdentifier(node) && frame) {
      const sym = this.checker.getSymbolAtLocation(node);
      const bound = sym && frame.argNodes.get(sym);
      if (bound) return this.isProcessCtx(bound.node, bound.frame, depth + 1);
    }
    return isProcessContext(this.checker, this.checker.getTypeAtLocation(node));
  }

  /** The API effect of a declaration, if it is memdesc's or an assertion consumer. */
  apiEffect(decl: ts.SignatureDeclaration): ApiEffect | null {
    return effectOf(this.checker, decl);
  }

  isMemdesc(decl: ts.Node): boolean {
    return isMemdescFile(decl.getSourceFile().fileName);
  }
}

/** `m.keys()` or `[...m.keys()]`: the `m`; else null. */
function mapKeysCall(e: ts.Expression): ts.Expression | null {
  if (ts.isArrayLiteralExpression(e) && e.elements.length === 1 && ts.isSpreadElement(e.elements[0]!)) e = e.elements[0].expression;
  if (ts.isCallExpression(e) && e.arguments.length === 0 && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'keys') return e.expression.expression;
  return null;
}

/** The call a statement's expression is (through parentheses, `await` and `void`), or null. */
function stripCall(e: ts.Expression): ts.CallExpression | null {
  while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e) || ts.isVoidExpression(e)) e = e.expression;
  return ts.isCallExpression(e) ? e : null;
}

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

let symIds = new WeakMap<ts.Symbol, number>();
let nextSym = 1;
function symId(s: ts.Symbol): number {
  let id = symIds.get(s);
  if (id === undefined) symIds.set(s, (id = nextSym++));
  return id;
}
/** For tests: forget symbol ids. */
export function resetIds(): void {
  symIds = new WeakMap();
}

export function isFunctionLike(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isArrowFunction(n) ||
    ts.isFunctionExpression(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

export function isAsync(n: ts.Node): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n)?.some((m) => m.kind === SK.AsyncKeyword) ?? false);
}

export function fnName(n: ts.Node): string {
  if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isFunctionExpression(n) || ts.isGetAccessorDeclaration(n)) && n.name) return n.name.getText();
  if (ts.isConstructorDeclaration(n)) return `new ${(n.parent as ts.ClassLikeDeclaration).name?.getText() ?? 'class'}`;
  const p = n.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return 'the closure';
}

/** Source text of a node, short enough for a message. */
export function shortText(n: ts.Node): string {
  const t = n.getText().replace(/\s+/g, ' ');
  return t.length > 48 ? `${t.slice(0, 45)}...` : t;
}
