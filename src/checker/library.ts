/**
 * The standard library, for the abstract interpreter: the methods of arrays, Maps and Sets on a
 * tracked container (by key where the key is a literal or a variable: `set`, `get`, `delete`,
 * `push`, `pop`, `shift`, `splice`, iteration and the callbacks of `forEach`/`map`/`filter`…),
 * continuations (`.then`, timers, `queueMicrotask`) and every other library call (its arguments
 * escape unless the method only reads them).
 *
 * @module
 */
import { SK, TF, ts } from './ts.js';
import { join, NULL, State, union, UNKNOWN, V_NONE, V_NULL, V_UNKNOWN, type AtomState, type Cons, type Val } from './state.js';
import { shortText, type Analyzer } from './interp.js';
import { constValue, exactEntries, isEmptyArray, MAX_UNROLL, noElements } from './loops.js';
import { evalArgs, invoke } from './calls.js';

const DEFERRED_FNS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'nextTick', 'requestAnimationFrame', 'requestIdleCallback']);
/** Library methods that only read their arguments (console output, lookups, formatting). */
const READ_ONLY_METHODS = new Set([
  'log', 'info', 'warn', 'error', 'debug', 'trace', 'assert', 'dir', 'table', 'count', 'indexOf', 'lastIndexOf', 'includes', 'has', 'get',
  'join', 'toString', 'stringify', 'is', 'isArray', 'test', 'localeCompare', 'startsWith', 'endsWith', 'isInteger', 'isSafeInteger', 'max', 'min',
  'floor', 'ceil', 'round', 'abs', 'write',
]);
const DEFERRED_METHODS = new Set(['then', 'catch', 'finally', 'addEventListener', 'on', 'once']);

/** Every argument escapes. */
export function escapeAll(an: Analyzer, args: Val[], s: State): State {
  for (const a of args) s = an.escape(a, s);
  return s;
}

/** Runs `step` any number of times (0..n): a small fixpoint. */
export function many(an: Analyzer, s: State, step: (s: State) => State): State {
  let acc = s;
  an.mute++;
  for (let i = 0; i < 3; i++) {
    const next = join(acc, step(acc))!;
    if (next === acc) break;
    acc = next;
  }
  an.mute--;
  // Report from the state the calls start in (once more, unmuted).
  const once = step(acc);
  return join(acc, once)!;
}

/** What a container key expression becomes (precise) or null. */
function keyArg(an: Analyzer, call: ts.CallExpression, i: number, s?: State): string | null {
  const a = call.arguments[i];
  if (!a) return null;
  const k = an.keyOf(a, 0, s);
  return k && k.startsWith('[') ? k : k ? `[F:${k}]` : null;
}

/**
 * Whether a Map or Set made here holds no entry on any path (made empty, or `clear()`ed, and
 * nothing added since): `has()` and `delete()` on it are false.
 */
function noEntries(an: Analyzer, recv: Val, s: State): boolean {
  return recv.every((a) => {
    const inf = an.info(a);
    const st = s.atom(a);
    return (inf.container === 'set' || inf.container === 'map') && !inf.many && !st.esc && st.ex === 2 && noElements(st);
  });
}

/** A library call whose result is known (`set.has(x)` of an empty set): a condition on it is decided. */
function constResult(an: Analyzer, call: ts.CallExpression, k: boolean, s: State): [Val, State] {
  an.callConst.set(call, { k, after: s });
  return [V_UNKNOWN, s];
}

/** A method of Array, Map or Set on a tracked container; other library methods. */
export function containerCall(an: Analyzer, call: ts.CallExpression, recv: Val, method: string, s: State, source: string): [Val, State] | null {
  const conts = recv.filter((a) => a > UNKNOWN && an.info(a).kind !== 'func' && (an.info(a).container !== undefined || an.info(a).symbolic));
  if (conts.length === 0 || recv.includes(UNKNOWN) || conts.length !== recv.filter((a) => a !== NULL).length) return null;
  // A symbolic receiver: only if its type is a library container.
  const local = conts.every((a) => an.info(a).container !== undefined && an.info(a).container !== 'object');
  if (!local) {
    if (conts.some((a) => an.info(a).container !== undefined)) return null;
    if (source !== 'lib') return null;
    const t = an.checker.getTypeAtLocation((call.expression as ts.PropertyAccessExpression).expression);
    const name = t.getSymbol()?.name ?? '';
    if (!/^(Array|ReadonlyArray|Map|ReadonlyMap|Set|ReadonlySet|WeakMap|WeakSet)$/.test(name)) return null;
  }
  const [args, st0] = evalArgs(an, call.arguments, s);
  let st = st0;
  const elemName = shortText(call);
  switch (method) {
    case 'push':
    case 'unshift':
    case 'add': {
      // A local array of known length: push writes the next index.
      const one = recv.length === 1 ? recv[0]! : -1;
      if (method === 'push' && one > UNKNOWN && an.info(one).container === 'array' && !an.info(one).many && st.atom(one).len !== undefined) {
        for (const v of args) st = an.writeElem(recv, `[L:${st.atom(one).len ?? 0}]`, v, st, call);
        return [V_UNKNOWN, st];
      }
      for (const v of args) st = an.writeElem(recv, null, v, st, call);
      return [method === 'add' ? recv : V_UNKNOWN, st];
    }
    case 'set': {
      const k = keyArg(an, call, 0, st);
      st = an.writeElem(recv, k, args[1] ?? V_NULL, st, call);
      return [recv, st];
    }
    case 'get':
    case 'at': {
      const k = keyArg(an, call, 0, st);
      return an.readElem(recv, k, st, elemName);
    }
    case 'delete': {
      if (noEntries(an, recv, st)) return constResult(an, call, false, st);
      const k = keyArg(an, call, 0, st);
      if (k) {
        const [old, st2] = an.readElem(recv, k, st, elemName);
        let st3 = st2;
        for (const a of recv) {
          const f = st3.atom(a).fields;
          if (f?.has(k)) {
            const nf = new Map(f);
            nf.delete(k);
            st3 = st3.setAtom(a, { ...st3.atom(a), fields: nf });
          }
        }
        return [V_UNKNOWN, an.dropped(old.filter((x) => x > UNKNOWN && !an.info(x).symbolic), st3, call, 'the entry holding it is deleted here', undefined, true)];
      }
      // A key the checker cannot name: any entry may be gone. What is left is each of them maybe,
      // and which one an element read later is, not known (nor whether there is one at all).
      if (local) {
        let all: Val = V_NONE;
        for (const a of recv) all = union(all, an.contents(a, st));
        for (const a of recv) st = forgetPrecise(st, a);
        st = eachMaybe(an, call, recv, all, st);
      }
      return [V_UNKNOWN, st];
    }
    case 'has':
      if (noEntries(an, recv, st)) return constResult(an, call, false, st);
      return [V_UNKNOWN, st];
    case 'includes':
    case 'indexOf':
    case 'lastIndexOf':
    case 'join':
    case 'toString':
      return [V_UNKNOWN, st];
    case 'clear': {
      let dropped: Val = V_NONE;
      for (const a of recv) {
        dropped = union(dropped, an.contents(a, st));
        st = st.setAtom(a, { ...st.atom(a), fields: new Map() });
      }
      return [V_UNKNOWN, an.dropped(dropped.filter((x) => x > UNKNOWN), st, call, 'the container holding it is cleared here')];
    }
    case 'pop':
    case 'shift': {
      // An array the caller gave (a parameter, a field of one): what comes out is one of its
      // elements, unknown but one value, so freeing it twice, or under its own mapping, is seen.
      // Not when this function put values in it: the element may be one of them.
      if (!local) {
        if (recv.some((a) => an.contents(a, st).some((x) => x > UNKNOWN))) return [V_UNKNOWN, st];
        const [e, st2] = an.elemAlias(call, V_NONE, st, true);
        return [[e], st2];
      }
      // An array known to be empty: nothing comes out (undefined), nothing changes.
      if (recv.length === 1 && an.info(recv[0]!).container === 'array' && isEmptyArray(st.atom(recv[0]!))) return [V_NULL, st];
      // An array whose entries are all known: the last (or first) one comes out, the rest stay.
      const exact = recv.length === 1 && an.info(recv[0]!).container === 'array' && call.arguments.length === 0 ? exactEntries(an, recv, st) : null;
      if (exact) {
        const a = recv[0]!;
        const taken = method === 'pop' ? exact[exact.length - 1]! : exact[0]!;
        const rest = method === 'pop' ? exact.slice(0, -1) : exact.slice(1);
        const f = plainFields(st, a);
        rest.forEach((e, i) => f.set(`[L:${i}]`, e.val));
        st = st.setAtom(a, { ...st.atom(a), fields: f, len: rest.length });
        return [taken.val, st];
      }
      let all: Val = V_NONE;
      for (const a of recv) all = union(all, an.contents(a, st));
      for (const a of recv) st = forgetPrecise(st, a);
      const [e, st2] = an.elemAlias(call, all, st, true);
      st = st2;
      // One element left, but which the checker cannot count: what stays is each of them maybe.
      return [[e], eachMaybe(an, call, recv, all, st)];
    }
    case 'splice':
    case 'slice':
    case 'filter':
    case 'concat':
    case 'values':
    case 'entries':
    case 'reverse':
    case 'sort':
    case 'toSorted':
    case 'toReversed': {
      if (!local) return [V_UNKNOWN, escapeAll(an, args, st)];
      // The values of a Map whose keys are all known: an array of them, in order.
      if (method === 'values' && args.length === 0 && recv.length === 1 && an.info(recv[0]!).container === 'map') {
        const entries = exactEntries(an, recv, st);
        if (entries) {
          let id: number;
          [id, st] = an.siteAtom(call, st, () => ({ kind: 'obj', name: '', fresh: false, container: 'array' }));
          st = st.setAtom(id, { ex: 2, len: entries.length, fields: new Map(entries.map((e, i) => [`[L:${i}]`, e.val] as [string, Val])) });
          return [[id], st];
        }
      }
      let all: Val = V_NONE;
      for (const a of recv) all = union(all, an.contents(a, st));
      const removed = all;
      args.forEach((v, i) => {
        const fns = v.filter((x) => x > UNKNOWN && an.info(x).kind === 'func');
        if (fns.length) st = callbackMany(an, fns[0]!, removed, st, call);
        else if (method === 'concat') {
          for (const x of v) all = union(all, x > UNKNOWN && an.info(x).container ? an.contents(x, st) : [x]);
        } else if (method === 'splice' && i >= 2) all = union(all, v);
      });
      if (method === 'splice') {
        // `splice(0)`: everything moves to the result; the array is left empty.
        const first = call.arguments[0];
        const all0 = call.arguments.length === 1 && first !== undefined && constValue(an, first) === 0;
        // Everything of an exactly known array moves, in order: the result is known exactly too.
        const exact = all0 && recv.length === 1 && an.info(recv[0]!).container === 'array' ? exactEntries(an, recv, st) : null;
        if (exact) {
          let id: number;
          [id, st] = an.siteAtom(call, st, () => ({ kind: 'obj', name: '', fresh: false, container: 'array' }));
          st = st.setAtom(id, { ex: 2, len: exact.length, fields: new Map(exact.map((e, i) => [`[L:${i}]`, e.val] as [string, Val])) });
          const a = recv[0]!;
          const f = plainFields(st, a);
          st = st.setAtom(a, { ...st.atom(a), fields: f, len: 0 });
          return [[id], st];
        }
        for (const a of recv) {
          if (all0 && recv.length === 1) {
            const f = plainFields(st, a);
            st = st.setAtom(a, { ...st.atom(a), fields: f, ...(an.info(a).container === 'array' ? { len: 0 } : {}) });
          } else st = forgetPrecise(st, a);
        }
        for (const v of args.slice(2)) st = an.writeElem(recv, null, v, st, call);
      }
      if (method === 'reverse' || method === 'sort') {
        // reverse() of an exactly known array: the same entries, last first (a devres list run in
        // reverse order of adding still runs each release action once).
        const exact = method === 'reverse' && recv.length === 1 && an.info(recv[0]!).container === 'array' ? exactEntries(an, recv, st) : null;
        if (exact) {
          const a = recv[0]!;
          const f = plainFields(st, a);
          exact.forEach((e, i) => f.set(`[L:${exact.length - 1 - i}]`, e.val));
          return [recv, st.setAtom(a, { ...st.atom(a), fields: f })];
        }
        for (const a of recv) st = forgetPrecise(st, a);
        return [recv, st];
      }
      let id: number;
      [id, st] = an.siteAtom(call, st, () => ({ kind: 'obj', name: '', fresh: false, container: method === 'entries' && an.info(recv[0]!).container === 'map' ? 'map' : 'array' }));
      st = st.setAtom(id, { ex: 2, fields: new Map([['[*]', all]]) });
      return [[id], st];
    }
    case 'keys':
      return [V_UNKNOWN, st];
    case 'forEach':
    case 'map':
    case 'some':
    case 'every':
    case 'find':
    case 'findIndex':
    case 'findLast':
    case 'reduce':
    case 'flatMap': {
      let all: Val = V_UNKNOWN;
      if (local) {
        all = V_NONE;
        for (const a of recv) all = union(all, an.contents(a, st));
      }
      const cb = args[0];
      const fns = cb ? cb.filter((x) => x > UNKNOWN && an.info(x).kind === 'func') : [];
      // forEach and map run the callback on every element: one that consumes it each time consumes them all.
      let each: Cons | null | undefined = method === 'forEach' || method === 'map' ? undefined : null;
      const onRun = (after: State, e: number): void => {
        const c = e > UNKNOWN ? after.atom(e).cons : undefined;
        if (each === null) return;
        each = c?.must ? (each ?? c) : null;
      };
      if (fns.length === 1) st = callbackMany(an, fns[0]!, all, st, call, onRun);
      else if (cb) st = an.escape(cb, st);
      if (fns.length === 1 && local && each) st = consumeEach(an, recv, all, each, st);
      if (method === 'find' || method === 'findLast') {
        const [e, st2] = an.elemAlias(call, all, st, true);
        return [[e], st2];
      }
      return [V_UNKNOWN, st];
    }
    case 'fill': {
      // `fill(v)` of a whole local array: every slot holds v.
      if (local && call.arguments.length === 1 && recv.length === 1) {
        const a = recv[0]!;
        const f = plainFields(st, a);
        const len = st.atom(a).len;
        if (len !== undefined && len <= MAX_UNROLL) {
          // Of a known length (`new Array(3).fill(null)`): each slot, so the array stays exact.
          for (let i = 0; i < len; i++) f.set(`[L:${i}]`, args[0] ?? V_NULL);
          st = st.setAtom(a, { ...st.atom(a), fields: f });
        } else {
          f.set('[*]', args[0] ?? V_NULL);
          const { len: _l, ...rest } = st.atom(a);
          void _l;
          st = st.setAtom(a, { ...rest, fields: f });
        }
        an.use(args[0] ?? V_NULL, st, call, 'is stored in an array here');
        return [recv, st];
      }
      return unmodelled(an, recv, args, st);
    }
    default:
      return unmodelled(an, recv, args, st);
  }
}

/** A container method the checker does not model: what the container holds escapes, and what it holds from now on is not known. */
function unmodelled(an: Analyzer, recv: Val, args: Val[], st: State): [Val, State] {
  for (const a of recv) {
    st = an.escape(an.contents(a, st), st);
    if (an.info(a).container) st = st.setField(a, '[*]', union(st.field(a, '[*]') ?? V_NONE, V_UNKNOWN));
  }
  return [V_UNKNOWN, escapeAll(an, args, st)];
}

/** A returned expression's constant value as a key (`true`, `null`, `3`, `'x'`), or null. */
export function litOf(an: Analyzer, e: ts.Expression | undefined): string | null {
  if (!e) return 'undefined';
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
  if (e.kind === SK.TrueKeyword) return 'true';
  if (e.kind === SK.FalseKeyword) return 'false';
  if (e.kind === SK.NullKeyword) return 'null';
  const v = constValue(an, e);
  return v === null ? null : `${typeof v}:${v}`;
}

/** Whether a constant (as {@link litOf} names it) is truthy; null when not constant. */
export function truthOf(k: string | null): boolean | null {
  if (k === null) return null;
  return !['false', 'null', 'undefined', 'number:0', 'string:', 'number:NaN'].includes(k);
}

/** The fields of a container that are not its entries (`[L:0]`, `[*]`, …): a copy to add entries to. */
export function plainFields(st: State, a: number): Map<string, Val> {
  const f = new Map<string, Val>();
  for (const [k, w] of st.atom(a).fields ?? []) if (!k.startsWith('[')) f.set(k, w);
  return f;
}

/**
 * What stays in containers after an entry the checker cannot name left them (pop() of one it
 * cannot count, delete() by an unknown key): each of `all` maybe, none surely — one element that
 * stands for any of them, or for none (`unsure`).
 */
function eachMaybe(an: Analyzer, call: ts.CallExpression, recv: Val, all: Val, st: State): State {
  const real = all.filter((x) => x > UNKNOWN);
  if (!real.length || all.includes(UNKNOWN)) return st;
  let rest: number;
  [rest, st] = an.siteAtom(call, st, () => ({ kind: 'ref', name: '', fresh: false }), ':rest');
  const prev = st.atoms.has(rest) ? (st.atom(rest).alts ?? V_NONE) : V_NONE;
  st = st.setAtom(rest, { ex: 2, nul: 1, unsure: true, alts: union(prev, real).filter((x) => x !== rest) });
  for (const a of recv) {
    const f = plainFields(st, a);
    f.set('[*]', [rest]);
    st = st.setAtom(a, { ...st.atom(a), fields: f });
  }
  return st;
}

export function forgetPrecise(s: State, a: number): State {
  const st0 = s.atom(a);
  if (st0.len !== undefined) {
    const { len: _len, ...rest } = st0;
    void _len;
    s = s.setAtom(a, rest);
  }
  const st = s.atom(a);
  if (!st.fields) return s;
  let star: Val = V_NONE;
  const f = new Map<string, Val>();
  for (const [k, v] of st.fields) {
    if (k.startsWith('[')) star = union(star, v);
    else f.set(k, v);
  }
  if (star.length) f.set('[*]', star);
  return s.setAtom(a, { ...st, fields: f } as AtomState);
}

/** A callback called for each element (0..n times); what it returns escapes. */
function callbackMany(an: Analyzer, fnAtom: number, elems: Val, s: State, call: ts.CallExpression, onRun?: (after: State, elem: number) => void): State {
  const fn = an.info(fnAtom).fn!;
  return many(an, s, (st) => {
    let el: Val = V_UNKNOWN;
    let st2 = st;
    let e = UNKNOWN;
    if (!elems.includes(UNKNOWN)) {
      [e, st2] = an.elemAlias(call, elems, st2);
      el = [e];
    }
    const [ret, st3] = invoke(an, fn, [el, V_UNKNOWN, V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, st2, call, () => (an.top().callback = true));
    onRun?.(st3, e);
    return an.escape(ret, st3);
  });
}

/**
 * `owned.map((l) => intoShared(l))`, `pages.forEach(freePage)` on a local array: a callback that
 * consumes its element on every path consumes every element. Said only of the elements nothing but
 * the array holds (a variable or another object may hold one the array does not).
 */
function consumeEach(an: Analyzer, recv: Val, elems: Val, cons: Cons, s: State): State {
  for (const a of elems) {
    if (a <= UNKNOWN || an.info(a).kind !== 'ref') continue;
    const st = s.atom(a);
    if (st.esc || st.cons?.must) continue;
    if ([...s.env.values()].some((v) => v.includes(a))) continue;
    let elsewhere = false;
    for (const [id, o] of s.atoms) {
      if (recv.includes(id) || !o.fields) continue;
      for (const w of o.fields.values()) if (w.includes(a)) elsewhere = true;
      if (elsewhere) break;
    }
    if (!elsewhere) s = s.update(a, { cons: { ...cons, must: true } });
  }
  return s;
}

function markCallback(this: void): void {
  current!.top().callback = true;
}
let current: Analyzer | null = null;

/** A standard-library call: callbacks are run (now, or at the next `await` for timers and `.then`). */
export function libCall(an: Analyzer, call: ts.CallExpression, name: string, recv: Val | null, args: Val[], s: State): [Val, State] {
  current = an;
  const deferred = DEFERRED_FNS.has(name) || (recv !== null && DEFERRED_METHODS.has(name));
  let st = s;
  let anyRef = false;
  for (const v of args) {
    const fns = v.filter((a) => a > UNKNOWN && an.info(a).kind === 'func');
    if (fns.length === 1 && !v.includes(UNKNOWN)) {
      const fn = an.info(fns[0]!).fn!;
      if (deferred) {
        const frames = [...an.frames];
        const run = (x: State): State => {
          const saved = an.frames;
          an.frames = frames;
          try {
            return invoke(an, fn, [V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, x, call, markCallback)[1];
          } finally {
            an.frames = saved;
          }
        };
        if (an.frames.length === 1) st = st.withPending([...st.pending, { run }]);
        else an.deferred.push({ run });
      } else {
        st = many(an, st, (x) => {
          const [ret, y] = invoke(an, fn, [V_UNKNOWN, V_UNKNOWN, V_UNKNOWN], [], V_UNKNOWN, x, call, markCallback);
          return an.escape(ret, y);
        });
      }
      continue;
    }
    if (v.some((a) => a > UNKNOWN)) anyRef = true;
  }
  if (anyRef) {
    // Handles given to the library: kept only if the result can hold them, or the receiver (an
    // untracked array's push, a Map's set) — a method not known to only read escapes them.
    const sig = an.checker.getResolvedSignature(call);
    const rt = sig ? an.checker.getReturnTypeOfSignature(sig) : undefined;
    const primitive = rt !== undefined && (rt.flags & (TF.Void | TF.Undefined | TF.BooleanLike | TF.NumberLike | TF.StringLike | TF.BigIntLike)) !== 0;
    const keeps = recv !== null && !READ_ONLY_METHODS.has(name);
    if (!primitive || keeps) for (const v of args) st = an.escape(v, st);
  }
  if (recv && !DEFERRED_METHODS.has(name)) {
    // A library method on a tracked object we do not model.
    const refs = recv.filter((a) => a > UNKNOWN && an.info(a).container);
    for (const a of refs) st = an.escape(an.contents(a, st), st);
  }
  return [recv && DEFERRED_METHODS.has(name) ? recv : V_UNKNOWN, st];
}
