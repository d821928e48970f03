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
import { NF, SK, ts } from './ts.js';
import { effectOf, gfpSleeps, isMemdescFile, isProcessContext, type ApiEffect, type ConsumeKind } from './api.js';
import { NULL, setSymbolicTest, State, UNKNOWN, V_NULL, V_UNKNOWN, type AtomInfo, type Fact, type Val } from './state.js';
import { SENTENCE_SLEEP, type Finding, type RuleId } from './rules.js';

import { stmtMethods, type StmtMethods } from './stmts.js';
import { controlMethods, type ControlMethods } from './control.js';
import { exprMethods, type ExprMethods } from './exprs.js';
import { leakMethods, type LeakMethods } from './leaks.js';
import { verdictMethods, type VerdictMethods } from './verdicts.js';
import { placeMethods, type PlaceMethods } from './places.js';

/** How deep calls are followed into bodies. */
export const MAX_DEPTH = 6;
/** Loop iterations before the analysis gives up on a fixpoint (and goes silent on what changed). */
export const MAX_ITER = 4;
/** How deep calls are followed while a loop's fixpoint is sought (the reporting pass goes deeper). */
export const MUTED_DEPTH = 2;
/** Calls followed per root function before the analysis stops following (and goes silent). */
export const MAX_FOLLOWED = 1500;
/** Paths kept apart within a block. */
export const MAX_PATHS = 4;

export function stripNot(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken)) e = ts.isParenthesizedExpression(e) ? e.expression : (e as ts.PrefixUnaryExpression).operand;
  return e;
}

/** The first `c ? a : b` of a statement (outside nested functions). */
export function firstConditional(st: ts.Node): ts.ConditionalExpression | null {
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

/** The fact that an atom was made again on this path (alignAging). */
export function agedKey(id: number): string {
  return `#aged:${id}`;
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
  /** Its exits: the state, the value, and the constant returned when the path knows it (`lit`). */
  readonly returns: { state: State; val: Val; line: number; node?: ts.Expression; lit?: string }[];
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
  /** Atoms made again (aged) while this frame or a callee ran: see alignAging. */
  readonly aged: Set<number>;
  /** States at a `throw` no catch of this frame takes (its caller's catch may). */
  readonly thrown: State[];
}

export interface Target {
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
  /** A loop run to a fixpoint (its head joins every iteration), not once per known iteration. */
  readonly joined?: true;
}

/** The evaluators live in stmts.ts, control.ts, exprs.ts, places.ts, verdicts.ts and leaks.ts (installed below). */
export interface Analyzer extends StmtMethods, ControlMethods, ExprMethods, LeakMethods, VerdictMethods, PlaceMethods {}

/**
 * The program's TypeChecker, with `getSymbolAtLocation` and `getTypeAtLocation` remembered per
 * node: the interpreter asks about the same identifier once per path and per loop iteration, and
 * TypeScript resolves the name again each time (a third of the check time on examples/binder).
 */
function memoChecker(tc: ts.TypeChecker): ts.TypeChecker {
  const syms = new Map<ts.Node, ts.Symbol | undefined>();
  const types = new Map<ts.Node, ts.Type>();
  const out: ts.TypeChecker = Object.create(tc);
  out.getSymbolAtLocation = (n) => {
    if (syms.has(n)) return syms.get(n);
    const s = tc.getSymbolAtLocation(n);
    syms.set(n, s);
    return s;
  };
  out.getTypeAtLocation = (n) => {
    let t = types.get(n);
    if (t === undefined) types.set(n, (t = tc.getTypeAtLocation(n)));
    return t;
  };
  return out;
}

/** Analyses the files of a Program. */
export class Analyzer {
  readonly checker: ts.TypeChecker;
  readonly atoms: AtomInfo[] = [];
  readonly findings: Finding[] = [];
  readonly seen = new Set<string>();
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
  /**
   * Calls just followed whose exits after a failed allocation return another constant than the
   * others: the state after the call on those exits (`after` is the state on the others).
   */
  readonly failedExits = new Map<ts.Node, { state: State; truthy: boolean; after: State }>();
  /**
   * Calls just followed whose every exit returns a constant, some truthy and some falsy (`add()`
   * that stores its argument and returns true, or returns false and leaves it with the caller):
   * the state after the truthy exits and after the falsy ones (`after` is their join).
   */
  readonly condExits = new Map<ts.Node, { t: State; f: State; after: State }>();
  /**
   * Calls just followed whose every exit returns one constant (`return false` on every path the
   * state allows): the constant, as a fact (`after` is the state after the call), so that
   * `const kept = withSpinLock(l, () => …); if (!kept) …` is decided where the callee's is.
   */
  readonly callConst = new Map<ts.Node, { k: Fact; after: State }>();
  /**
   * A followed call whose exits return null on some paths and an object on the others, with the
   * state each kind of exit leaves (`return null` before anything was allocated, `return { obj,
   * meta }` after): `const e = alloc(…)` goes on as two paths, so `if (!e) return` meets only
   * the first. Also exits that each return an object of their own (a result tagged `{ status }`):
   * one path per exit.
   */
  readonly splitExits = new Map<ts.Node, { state: State; ret: Val }[]>();
  /**
   * Callbacks given to a memdesc `Shrinker` (`s.scanObjects = (sh, sc) => …`), by field: run where
   * the code calls them (`this.shrinker.scanObjects!(…)`), not at every allocation that may
   * reclaim (the checker does not count reclaim).
   */
  readonly shrinkerFns = new Map<string, Val>();
  /** `a ?? b` being evaluated whose left is surely nullish (its right surely runs). */
  readonly surelyNullish = new Set<ts.Node>();
  /** The call whose split exits the statement being run asks for (computed for that call only). */
  splitWanted: ts.Node | null = null;
  /** While > 0, consumptions are 'maybe' (a closure called as one of a container's elements). */
  weak = 0;
  frameIds = 0;
  readonly children = new Map<string, number>();
  readonly sites = new Map<string, number>();
  readonly symbolicOf = new Map<ts.Symbol, number>();
  readonly funcAtoms = new Map<ts.Node, number>();
  readonly nodeIds = new WeakMap<ts.Node, number>();
  nextNodeId = 1;
  /** Symbols used as a key into a container (writes to them forget those keys). */
  readonly keySyms = new Set<ts.Symbol>();
  report = true;
  unitFile: ts.SourceFile | null = null;
  unitNode: ts.Node | null = null;

  constructor(
    readonly program: ts.Program,
    readonly emit: (f: Finding) => void = () => {},
  ) {
    this.checker = memoChecker(program.getTypeChecker());
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

  analyzeUnit(unit: ts.Node): void {
    this.unitNode = unit;
    this.frames = [];
    this.shrinkerFns.clear();
    this.followed = 0;
    this.leaked.clear();
    this.sinks.clear();
    this.sinkObjects.clear();
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
  exitUnit(frame: Frame, end: State | null, body: ts.Node): void {
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
  siteAtom(site: ts.Node, s: State, make: () => Omit<AtomInfo, 'id' | 'depth'>, tag = ''): [number, State, (ReadonlyMap<number, number> | null)?] {
    const key = `${this.frames.map((f) => (f.call ? this.nodeId(f.call) : 0)).join('/')}|${this.nodeId(site)}${tag}${this.unrollTags.join('')}`;
    let id = this.sites.get(key);
    if (id === undefined) {
      id = this.newAtom(make());
      this.sites.set(key, id);
      return [id, s];
    }
    if (!s.atoms.has(id)) return [id, s];
    const [aged, map] = this.ageMap(s, id);
    return [id, aged, map];
  }

  /** Recency: the atom (and what hangs off it) becomes its older, many-valued twin. */
  age(s: State, id: number): State {
    return this.ageMap(s, id)[0];
  }

  /** age(), and what it renamed (for a caller holding values read before: siteAtom). */
  ageMap(s: State, id: number): [State, ReadonlyMap<number, number>] {
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
    this.frames[this.frames.length - 1]?.aged.add(id);
    return [s.rename(map).withFact(agedKey(id), true), map];
  }

  /**
   * Exits of a followed call meeting: an atom made again on some of them (`this.slots[i]` read
   * after the early `return undefined`) names the new object there and the previous one on the
   * others. The previous one is the older instance on every exit, so those exits age it too;
   * otherwise the join would mix the two (the element put last time, maybe put again now).
   */
  alignAging(states: State[], frame: Frame): State[] {
    if (states.length < 2 || frame.aged.size === 0) return states;
    for (const id of frame.aged) {
      const k = agedKey(id);
      if (!states.some((x) => x.facts.get(k) === true)) continue;
      states = states.map((x) => (x.atoms.has(id) && x.facts.get(k) !== true ? this.age(x, id) : x));
    }
    return states;
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
      aged: new Set(),
      thrown: [],
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
    return viaText(this.frames.slice(1).filter((f) => f.call).map((f) => f.name));
  }

  /** Whether the atom was made inside a callee frame that is still running (its own analysis reports it). */
  internal(id: number): boolean {
    const fr = (this.atoms[id] as { frame?: number }).frame;
    return this.frames.some((f, i) => i > 0 && f.id === fr);
  }

  /** Handles reported dead in this root function: the first misuse is reported, not its consequences (the run stops there). */
  readonly sinks = new Set<number>();

  /**
   * The memory objects a misuse was reported on: the handles standing on one of them (the shared
   * reference an owned handle was moved into) are not reported as leaked after it — the runtime
   * threw at the misuse, and what follows is its consequence.
   */
  readonly sinkObjects = new Set<number>();

  /** Set while a continuation started before an `await` runs. */
  resumed = false;

  /** Deferred effects collected while following an async callee; attached to the state after the call. */
  deferred: { run: (s: State) => State; key?: string }[] = [];

  // --------------------------------------------------------------------------------- escape

  readonly captures = new Map<ts.Node, ts.Symbol[]>();

  /** Variables some closure made so far captures. */
  readonly capturedSyms = new Set<ts.Symbol>();
  readonly nestedCache = new Map<ts.Node, boolean>();

  // --------------------------------------------------------------------------------- leaks

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
  readonly leaked = new Set<number>();

  // ------------------------------------------------------------------------------ statements

  /** Conditional expressions whose branch is chosen for the statement being run on a split path. */
  readonly forced = new Map<ts.Node, boolean>();

  internalVal(v: Val): boolean {
    return v.length > 0 && v.every((a) => a <= UNKNOWN || this.internal(a));
  }

  // ----------------------------------------------------------------------------- expressions

  // ------------------------------------------------------------------------------ conditions

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
    // A const whose declared type forgot the flags (`const flags: number = GFP_KERNEL`): its initialiser.
    if (ts.isIdentifier(node)) {
      const decl = this.checker.getSymbolAtLocation(node)?.valueDeclaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isVariableDeclarationList(decl.parent) && decl.parent.flags & NF.Const) return this.gfpMaySleep(decl.initializer, frame, depth + 1);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === SK.BarToken) return this.gfpMaySleep(node.left, frame, depth + 1) || this.gfpMaySleep(node.right, frame, depth + 1);
    return false;
  }

  /** A call that may sleep: a finding when it runs inside a spinlock taken in the root function. */
  sleeping(call: ts.CallExpression, what: string, s: State): void {
    const a = this.top().atomic;
    if (!a) return;
    const fb = cacheFallback(call);
    const sure = fb !== null && this.surelyNullish.has(fb);
    // A lock a helper took is that helper's to report (its own analysis sees the same call), but
    // for a take from a cache the caller made and left empty: only the caller knows it is empty.
    if (a.depth !== 0 && !sure) return;
    // Reached only because an allocation failed (`if (this.log === null) this.log = vmalloc(…)`
    // after an earlier vmalloc): not a path the checker knows is taken.
    if (s.oom) return;
    // The fallback of a take from a pre-filled cache (`this.cache.objs.pop() ?? pagetableAlloc(…)`,
    // kvm_mmu_memory_cache_alloc()): whether the cache can be empty under the lock depends on a
    // top-up the checker does not count; not a path it knows is taken.
    // Unless the cache is known empty here (nothing was put in it): then the fallback surely runs.
    if (fb && !sure) return;
    const msg = `sleep in atomic context: ${what} may sleep${this.through()}, inside the withSpinLock() callback at line ${a.line}; ${SENTENCE_SLEEP}`;
    // Under a helper's lock: at the call its callback makes, where the lock is held.
    const inner = a.depth !== 0 ? (this.frames[a.depth + 2]?.call ?? call) : null;
    if (inner && inner.getSourceFile() === this.unitFile) this.reportLine(this.line(inner), 'sleep-in-atomic', msg, inner);
    else this.reportAt(call, 'sleep-in-atomic', msg);
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
export function mapKeysCall(e: ts.Expression): ts.Expression | null {
  if (ts.isArrayLiteralExpression(e) && e.elements.length === 1 && ts.isSpreadElement(e.elements[0]!)) e = e.elements[0].expression;
  if (ts.isCallExpression(e) && e.arguments.length === 0 && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'keys') return e.expression.expression;
  return null;
}

/** The call a statement's expression is (through parentheses, `await` and `void`), or null. */
export function stripCall(e: ts.Expression): ts.CallExpression | null {
  while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e) || ts.isVoidExpression(e)) e = e.expression;
  return ts.isCallExpression(e) ? e : null;
}

Object.assign(Analyzer.prototype, stmtMethods, controlMethods, exprMethods, leakMethods, verdictMethods, placeMethods);

let symIds = new WeakMap<ts.Symbol, number>();
let nextSym = 1;
export function symId(s: ts.Symbol): number {
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
  // A callback given to a call: named after what it is given to (`owned.map((l) => …)`).
  if (p && ts.isCallExpression(p) && p.arguments.includes(n as ts.Expression)) {
    const c = p.expression;
    const callee = ts.isPropertyAccessExpression(c) ? c.name.text : ts.isIdentifier(c) ? c.text : null;
    if (callee) return `the ${callee}() callback`;
  }
  return 'the closure';
}

/** Helper names for a message: " (through helper a() → b())", " (in the map() callback)". */
export function viaText(names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.map((n) => (n.startsWith('the ') ? n : `${n}()`));
  if (names.every((n) => n.startsWith('the '))) return ` (in ${shown.join(' → ')})`;
  if (names.some((n) => n.startsWith('the '))) return ` (through ${shown.join(' → ')})`;
  return ` (through ${names.length === 1 ? 'helper' : 'helpers'} ${shown.join(' → ')})`;
}

/** Source text of a node, short enough for a message. */
export function shortText(n: ts.Node): string {
  const t = n.getText().replace(/\s+/g, ' ');
  return t.length > 48 ? `${t.slice(0, 45)}...` : t;
}

/** Whether a call is the right side of `take ?? call` / `take || call`, take a container's pop/shift/get/at. */
function cacheFallback(call: ts.Node): ts.BinaryExpression | null {
  let n: ts.Node = call;
  while (ts.isParenthesizedExpression(n.parent) || ts.isAwaitExpression(n.parent)) n = n.parent;
  const b = n.parent;
  if (!b || !ts.isBinaryExpression(b) || b.right !== n || (b.operatorToken.kind !== SK.QuestionQuestionToken && b.operatorToken.kind !== SK.BarBarToken)) return null;
  let l: ts.Expression = b.left;
  while (ts.isParenthesizedExpression(l)) l = l.expression;
  return ts.isCallExpression(l) && ts.isPropertyAccessExpression(l.expression) && /^(pop|shift|get|at)$/.test(l.expression.name.text) && ts.isPropertyAccessExpression(l.expression.expression) ? b : null;
}
