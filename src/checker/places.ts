/**
 * Places, for the abstract interpreter ({@link Analyzer}): fields, elements and container contents
 * by access path — `o.f`, `this.page`, `a[i]`, `map.get(k)`, the contents of an array or a Set —
 * read and written by key where the key is a literal or a variable, and through the alternatives
 * an imprecise key may name (then nothing is said of one element: the checker stays silent).
 *
 * @module
 */
import { NF, SK, ts } from './ts.js';
import { NULL, State, union, UNKNOWN, V_NONE, V_NULL, V_UNKNOWN, type AtomState, type Val } from './state.js';
import { constValue, fieldConstKey, writes } from './loops.js';
import { isFunctionLike, symId, type Analyzer } from './interp.js';

export const placeMethods = {
  /** The key of `o[k]` / `map.get(k)`: a literal or a variable, else null (imprecise). */
  keyOf(this: Analyzer, k: ts.Expression, depth = 0, s?: State): string | null {
    if (ts.isNumericLiteral(k) || ts.isStringLiteral(k) || ts.isNoSubstitutionTemplateLiteral(k)) return `[L:${k.text}]`;
    // A key the checker can compute (a constant, arithmetic on constants and constant arguments,
    // the known length of a local array in the state `s` it is read in).
    const c = constValue(this, k, 0, this.frames.length - 1, s);
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
            // A parameter the callee never writes is the caller's key: `lookup(slot)` and
            // `discard(slot)` called with one variable name one entry.
            const fn = decl && ts.isParameter(decl) ? decl.parent : undefined;
            if (ts.isIdentifier(b.node) && fn && isFunctionLike(fn) && fn.body && !writes(this, fn.body, sym) && this.neverWritten(b.node)) {
              const outer = this.keyOf(b.node, depth + 1, s);
              if (outer) return outer;
            }
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
  },

  /** A `const`, or a parameter its function never writes: one value for as long as it is in scope. */
  neverWritten(this: Analyzer, id: ts.Identifier): boolean {
    const sym = this.checker.getSymbolAtLocation(id);
    const d = sym?.valueDeclaration;
    if (!sym || !d) return false;
    if (ts.isVariableDeclaration(d)) return (ts.getCombinedNodeFlags(d) & NF.Const) !== 0;
    return ts.isParameter(d) && isFunctionLike(d.parent) && d.parent.body !== undefined && !writes(this, d.parent.body, sym);
  },

  /** `o.f` on every atom `o` may be. */
  readField(this: Analyzer, o: Val, key: string, s: State, name: string): [Val, State] {
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
  },

  /**
   * An element read from a container stands for one of the objects stored there: its fields are
   * theirs (a read is one of their fields, a write may change any of them).
   */
  throughAlts(this: Analyzer, o: Val, s: State): Val {
    if (!o.some((a) => a > UNKNOWN && s.atom(a).alts && this.info(a).kind === 'ref')) return o;
    let out: Val = V_NONE;
    for (const a of o) {
      const alts = a > UNKNOWN && this.info(a).kind === 'ref' ? s.atom(a).alts : undefined;
      if (alts && alts.length && alts.every((x) => x > UNKNOWN && this.info(x).kind === 'obj')) out = union(out, alts);
      else out = union(out, [a]);
    }
    return out;
  },

  /** `o[k]` (an array element or Map entry) on every atom `o` may be; `key` null when imprecise. */
  readElem(this: Analyzer, o: Val, key: string | null, s: State, name: string): [Val, State] {
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
        // Nothing but null was ever stored (`Array.from({ length }, () => null)`): the entry is null.
        if (alts.length === 0) {
          out = union(out, V_NULL);
          continue;
        }
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
  },

  /** Whether a local container's keys are all known literals on every path (so a missing one is absent). */
  exactKeys(this: Analyzer, a: number, s: State): boolean {
    const inf = this.info(a);
    const st = s.atom(a);
    if (inf.many || st.esc || st.ex !== 2 || (inf.container !== 'map' && inf.container !== 'array')) return false;
    if (inf.container === 'array' && st.len === undefined) return false;
    for (const k of st.fields?.keys() ?? []) if (k.startsWith('[') && !k.startsWith('[L:')) return false;
    return true;
  },

  /** Everything a local container may hold. */
  contents(this: Analyzer, a: number, s: State): Val {
    let all: Val = V_NONE;
    for (const [k, v] of s.atom(a).fields ?? []) if (k.startsWith('[')) all = union(all, v);
    return all;
  },

  /** The element a for-of over a value binds. */
  iterElement(this: Analyzer, it: Val, s: State, node: ts.Node): [Val, State] {
    let out: Val = V_NONE;
    for (const a of it) {
      // vmallocPageIter(area): each page is a view of the area, as vmallocToPage() gives.
      const base = a > UNKNOWN && this.info(a).madeBy === 'vmallocPageIter' && !s.atom(a).esc ? s.atom(a).base : undefined;
      if (base !== undefined) {
        let v: number;
        [v, s] = this.siteAtom(node, s, () => ({ kind: 'ref', name: '', fresh: false, what: 'page', madeBy: 'vmallocPageIter', line: this.rootLine(node) }), ':page');
        s = s.setAtom(v, { ex: 2, nul: 0, base });
        out = union(out, [v]);
        continue;
      }
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
  },

  /** A singleton standing for one of `alts` (consuming it consumes each of them maybe). */
  elemAlias(this: Analyzer, node: ts.Node, alts: Val, s: State, nullable = false): [number, State] {
    // One of them is not known: the known ones may be what is read, and go where it goes.
    if (alts.includes(UNKNOWN)) return [UNKNOWN, this.escape(alts, s)];
    let e: number;
    [e, s] = this.siteAtom(node, s, () => ({ kind: 'ref', name: '', fresh: false }), ':elem');
    const real = alts.filter((x) => x > UNKNOWN);
    s = s.setAtom(e, { ex: 2, nul: nullable || alts.includes(NULL) ? 1 : 0, ...(real.length ? ({ alts: real } as object) : {}) } as AtomState);
    return [e, s];
  },

  writeField(this: Analyzer, o: Val, key: string, v: Val, s: State, node: ts.Node, isDelete = false): State {
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
      s = s.setField(a, key, nv).withFact(fieldConstKey(a, key), null);
      if (inf.symbolic) s = this.store(v, s, node, false);
      if (strong && old) s = this.dropped(old.filter((x) => !v.includes(x)), s, node, isDelete ? 'the entry holding it is deleted here' : 'the field holding it is overwritten here', undefined, true);
    }
    if (!isDelete) this.use(v, s, node, 'is stored here');
    return s;
  },

  /** A value put where it outlives the function (a field of a parameter, `this`, a global). */
  store(this: Analyzer, v: Val, s: State, node: ts.Node, unknown: boolean): State {
    void node;
    if (unknown) return this.escape(v, s);
    for (const a of v) if (a > UNKNOWN && this.info(a).kind === 'ref' && !s.atom(a).stored) s = s.update(a, { stored: true });
    return s;
  },

  writeElem(this: Analyzer, o: Val, key: string | null, v: Val, s: State, node: ts.Node): State {
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
  },
};

/** The access-path methods {@link Analyzer} has. */
export type PlaceMethods = typeof placeMethods;
