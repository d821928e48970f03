/**
 * Continuations of async helpers, run as code.
 *
 * An async function called without `await` (`const job = w.handle(ring); w.reset(); await job`)
 * runs up to its first `await` and returns; the rest of its body runs later, when the caller
 * next awaits. Where that first `await` is a statement of the body itself (not inside a branch,
 * a loop or a `try`), the checker does the same: it follows the body up to that statement, and
 * runs the statements after it at the caller's next `await`, from the state the caller reached
 * there. So a test written after the `await` (`if (!this.inflight.delete(hdr)) return;`) is
 * decided on what the caller did in between (a `reset()` that freed and cleared the set).
 *
 * Elsewhere (an `await` inside a branch or loop, a helper called by a helper) the body goes on at
 * once and only its uses and frees wait for the caller's `await` (verdicts.ts: defer).
 */
import { ts } from './ts.js';
import { join, UNKNOWN, V_NONE, type Pending, type State, type Val } from './state.js';
import type { Analyzer, Frame } from './interp.js';
import { varConstKey } from './loops.js';

/** Whether a node holds an `await` (or a `using` declaration) outside nested functions. */
function suspends(n: ts.Node): boolean {
  if (ts.isFunctionLike(n)) return false;
  if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) return true;
  if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.Using) !== 0) return true;
  return !!ts.forEachChild(n, (c) => (suspends(c) ? true : undefined));
}

/** A statement that is one `await`: `await e;`, `const x = await e;`. */
function isAwaitStatement(st: ts.Statement): boolean {
  if (ts.isExpressionStatement(st)) return ts.isAwaitExpression(st.expression);
  if (!ts.isVariableStatement(st) || (st.declarationList.flags & ts.NodeFlags.Using) !== 0) return false;
  const ds = st.declarationList.declarations;
  return ds.length === 1 && !!ds[0]!.initializer && ts.isAwaitExpression(ds[0]!.initializer) && !suspends(ds[0]!.initializer.expression);
}

/**
 * The index of the statement of `fn`'s body where a call from the analysed function suspends
 * (its first `await`, a statement of the body), or -1: the call is not awaited where it is made,
 * runs once (not in a loop, whose passes would each start another continuation), and nothing
 * before that statement awaits.
 */
export function suspendPoint(an: Analyzer, fn: ts.Node, stmts: readonly ts.Statement[], call: ts.Node): number {
  if (an.mute > 0 || an.frames.length !== 2 || an.unrollTags.length > 0) return -1;
  let p = call.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  if (ts.isAwaitExpression(p)) return -1;
  for (let n: ts.Node | undefined = call; n && n !== an.unitNode; n = n.parent) {
    if (n === fn) return -1;
    if (ts.isIterationStatement(n, false)) return -1;
  }
  for (let i = 0; i < stmts.length; i++) {
    if (isAwaitStatement(stmts[i]!)) return i + 1 < stmts.length ? i : -1;
    if (suspends(stmts[i]!)) return -1;
  }
  return -1;
}

/** The locals of a suspended frame, as the path reaching the `await` left them. */
export function heldLocals(frame: Frame, s: State): Val {
  let v: Val = V_NONE;
  for (const sym of frame.locals) for (const a of s.val(sym) ?? V_NONE) if (a > UNKNOWN && !v.includes(a)) v = [...v, a];
  return v;
}

/**
 * The rest of a suspended body, as a continuation: it runs in the callee's frame again, its
 * locals bound as the `await` left them, from the state of the caller's next `await`.
 */
export function continuation(an: Analyzer, frame: Frame, rest: readonly ts.Statement[], at: State, finish: (s: State) => State): Pending {
  const locals = frame.locals.map((sym) => ({ sym, v: at.val(sym), k: at.facts.get(varConstKey(sym)) }));
  return {
    key: `cont:${an.nodeId(rest[0]!)}:${frame.id}`,
    run: (s0: State): State => {
      const saved = { frames: an.frames, deferred: an.deferred, resumed: an.resumed };
      // The callee's frame again, under another id: what it made before the await is no longer
      // internal to a running callee (its own analysis cannot see what the caller did meanwhile).
      const again: Frame = { ...frame, id: ++an.frameIds, returns: [], thrown: [] };
      an.frames = [...an.frames, again];
      an.deferred = [];
      an.resumed = true;
      try {
        let s = s0.withSusp(0);
        for (const l of locals) {
          if (l.v) s = s.setVar(l.sym, l.v);
          if (l.k !== undefined) s = s.withFact(varConstKey(l.sym), l.k);
        }
        let out = an.execStatements(rest, s);
        for (const r of again.returns) out = join(out, r.state);
        for (const t of again.thrown) out = join(out, t);
        if (!out) return s0;
        out = finish(out).withSusp(s0.susp);
        return an.deferred.length ? out.withPending([...out.pending, ...an.deferred]) : out;
      } finally {
        an.frames = saved.frames;
        an.deferred = saved.deferred;
        an.resumed = saved.resumed;
      }
    },
  };
}
