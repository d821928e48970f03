/**
 * What each memdesc function does to its arguments, read from its declaration: memdesc's API is
 * recognised by the declaration a call resolves to (a function declared in memdesc's own sources
 * or declaration files, under any import name or re-export), never by the name at the call site.
 *
 * Most of an effect is derived from the declared types:
 * - an assertion signature `asserts x is … & Consumed` consumes `x` (and so does a user's own
 *   function declared that way); the role mark of the parameter says how: `Owned` is freed, `ARef`
 *   put, a lock guard unlocked, a `KmemCache` destroyed;
 * - a return type carrying the `Owned`/`ARef`/lock-guard mark, or a kmalloc / slab / vmalloc brand,
 *   is a new handle: an allocation when the first parameter is a context (`Memory` /
 *   `AtomicContext`), else a new reference on the first argument's object (`folioGet`, `getPage`);
 * - a `Borrowed` return, or an address (`VirtAddr`), is a view of the first argument's object;
 * - a parameter typed `GfpArg<…>` makes the call sleep when its argument may sleep.
 *
 * The rest is a short table: `intoShared` / `tryFromShared` move their argument (a function that
 * returns a value cannot also narrow it), `vmalloc`, `vfree`, `folioLock`, `kmemCacheCreate`,
 * `kmemCacheDestroy` and `drainAllPages` always may sleep, `allocPagesBulk` fills its array with
 * owned pages, `listLruAdd` keeps its item, and three functions call their callback:
 * `withSpinLock` once in atomic context, `withPageMapped` once with its page mapped, `listLruWalk`
 * any number of times in atomic context (the list's lock is held).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { SF, TF, ts } from './ts.js';

/** How a consuming call gives a handle up. */
export type ConsumeKind = 'free' | 'put' | 'unlock' | 'destroy' | 'move' | 'consume';

/** What a memdesc function (or a user's assertion function) does. */
export interface ApiEffect {
  /** The declared name (`freePage`), whatever the call site calls it. */
  readonly name: string;
  /** The parameter it consumes, and how. */
  readonly consumes?: { readonly index: number; readonly kind: ConsumeKind };
  /** What it returns: a new allocation, a new reference on argument `of`'s object, a view of it. */
  readonly returns?: { readonly kind: 'alloc' | 'ref' | 'view'; readonly of?: number; readonly nullable: boolean; readonly what: string };
  /** The GFP parameter: the call may sleep when that argument may. */
  readonly gfp?: number;
  /** The call always may sleep (`vmalloc`, `folioLock`). */
  readonly sleeps?: boolean;
  /** A callback parameter the function calls. */
  readonly callback?: { readonly index: number; readonly mode: 'once' | 'many'; readonly atomic?: boolean; readonly maps?: number };
  /** An argument the call keeps (a list_lru item, whatever it is): what it holds lives on. */
  readonly keeps?: number;
  /** An object argument the call only looks at (`listLruDel`'s item): it does not escape. */
  readonly reads?: number;
  /** A list_lru operation on its first argument (`listLruInit` makes the list). */
  readonly list?: 'init' | 'add' | 'walk' | 'del';
  /** An array argument the call fills with new owned pages (`allocPagesBulk`). */
  readonly fills?: number;
  /** Arguments it accepts even when stale (`folioTryGet` on a borrow of a freed folio returns null). */
  readonly tolerates?: number;
  /** True for memdesc's own functions (their arguments are uses of live handles). */
  readonly memdesc: boolean;
}

const TABLE: Record<string, Partial<Omit<ApiEffect, 'name' | 'memdesc'>>> = {
  intoShared: { consumes: { index: 0, kind: 'move' }, returns: { kind: 'ref', of: 0, nullable: false, what: 'shared reference' } },
  tryFromShared: { consumes: { index: 0, kind: 'move' }, returns: { kind: 'ref', of: 0, nullable: false, what: 'handle' } },
  memdescAlloc: { returns: { kind: 'alloc', nullable: true, what: 'memdesc' } },
  folioTryGet: { tolerates: 0 },
  // An iterator over the area's pages: each page it yields is a view of the area (see iterElement).
  vmallocPageIter: { returns: { kind: 'view', of: 0, nullable: false, what: 'page' } },
  vmalloc: { sleeps: true },
  folioLock: { sleeps: true },
  // might_sleep() whatever the flags: vfree() unmaps with cond_resched(), kmem_cache_create() and
  // _destroy() take slab_mutex, drain_all_pages() pcp_batch_high_lock.
  vfree: { sleeps: true },
  kmemCacheCreate: { sleeps: true },
  kmemCacheDestroy: { sleeps: true },
  drainAllPages: { sleeps: true },
  withSpinLock: { callback: { index: 1, mode: 'once', atomic: true } },
  withPageMapped: { callback: { index: 1, mode: 'once', maps: 0 } },
  // __list_lru_walk_one() calls isolate with the list's spinlock held.
  listLruWalk: { callback: { index: 1, mode: 'many', atomic: true }, list: 'walk' },
  listLruInit: { list: 'init' },
  allocPagesBulk: { fills: 3 },
  listLruAdd: { keeps: 1, list: 'add' },
  listLruDel: { reads: 1, list: 'del' },
  listLruContains: { reads: 1 },
};

/** Phantom keys of memdesc's handle types (declared `unique symbol`s), by what they mark. */
const KIND_KEYS: [string, string][] = [
  ['kmallocKey', 'kmalloc() memory'],
  ['slabCacheKey', 'slab object'],
  ['areaKey', 'vmalloc area'],
  ['ptdescOrder', 'page table'],
  ['folioOrderKey', 'folio'],
  ['mdName', 'memdesc'],
  ['pageOrder', 'page'],
];

const rootCache = new Map<string, string | null>();

/** The root directory of the memdesc package a directory belongs to, or null. */
function memdescRoot(dir: string): string | null {
  const hit = rootCache.get(dir);
  if (hit !== undefined) return hit;
  let found: string | null = null;
  const pj = join(dir, 'package.json');
  if (existsSync(pj)) {
    try {
      const name = (JSON.parse(readFileSync(pj, 'utf8')) as { name?: unknown }).name;
      found = name === 'memdesc' ? dir : null;
      if (found === null) {
        rootCache.set(dir, null);
        return null;
      }
    } catch {
      found = null;
    }
  }
  if (found === null) {
    const up = dirname(dir);
    found = up === dir ? null : memdescRoot(up);
  }
  rootCache.set(dir, found);
  return found;
}

const fileCache = new Map<string, boolean>();

/** Whether a source file is part of memdesc itself (its sources or its built declarations). */
export function isMemdescFile(fileName: string): boolean {
  const hit = fileCache.get(fileName);
  if (hit !== undefined) return hit;
  const root = memdescRoot(dirname(fileName));
  let yes = false;
  if (root !== null) {
    const rel = relative(root, fileName).split(sep).join('/');
    yes = (rel.startsWith('src/') || rel.startsWith('dist/')) && !/^(src|dist)\/(checker|examples|cli)\//.test(rel);
  }
  fileCache.set(fileName, yes);
  return yes;
}

/** A symbol with aliases (imports, re-exports) followed to the declaration. */
export function resolveAlias(checker: ts.TypeChecker, sym: ts.Symbol): ts.Symbol {
  let s = sym;
  for (let i = 0; i < 8 && s.flags & SF.Alias; i++) {
    const next = checker.getAliasedSymbol(s);
    if (next === s) break;
    s = next;
  }
  return s;
}

function phantomKeys(checker: ts.TypeChecker, type: ts.Type, out: Map<string, ts.Symbol>, depth = 0): void {
  if (depth > 4) return;
  if (type.flags & TF.TypeParameter) {
    const c = checker.getBaseConstraintOfType(type);
    if (c && c !== type) phantomKeys(checker, c, out, depth + 1);
    return;
  }
  if (type.isUnionOrIntersection()) {
    for (const t of type.types) phantomKeys(checker, t, out, depth + 1);
    return;
  }
  for (const p of checker.getPropertiesOfType(type)) {
    const m = /^__@(\w+)@/.exec(String(p.escapedName));
    if (m && !out.has(m[1]!)) out.set(m[1]!, p);
  }
}

function literalOf(checker: ts.TypeChecker, sym: ts.Symbol | undefined): string {
  if (!sym) return '';
  const t = checker.getTypeOfSymbol(sym);
  return t.isStringLiteral() ? t.value : '';
}

/** The role mark of a type: 'Owned', 'ARef', 'Borrowed', 'Locked', or ''. */
export function roleOf(checker: ts.TypeChecker, type: ts.Type): string {
  const keys = new Map<string, ts.Symbol>();
  phantomKeys(checker, type, keys);
  return /^(\w+):/.exec(literalOf(checker, keys.get('roleKey')))?.[1] ?? '';
}

function describeType(checker: ts.TypeChecker, type: ts.Type): { role: string; what: string; keys: Map<string, ts.Symbol> } {
  const keys = new Map<string, ts.Symbol>();
  phantomKeys(checker, type, keys);
  const role = /^(\w+):/.exec(literalOf(checker, keys.get('roleKey')))?.[1] ?? '';
  let what = role === 'Locked' ? 'folio lock' : '';
  if (!what) for (const [k, w] of KIND_KEYS) if (keys.has(k)) (what ||= w);
  if (!what && keys.has('cacheBrand')) what = 'kmem_cache';
  if (!what && keys.has('addrOwner')) what = 'address';
  return { role, what, keys };
}

/** Whether a type node names memdesc's `Consumed` mark (possibly inside an intersection). */
function mentionsConsumed(checker: ts.TypeChecker, node: ts.TypeNode): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isTypeReferenceNode(n)) {
      const sym = checker.getSymbolAtLocation(n.typeName);
      if (sym) {
        const r = resolveAlias(checker, sym);
        if (r.name === 'Consumed' && r.declarations?.some((d) => isMemdescFile(d.getSourceFile().fileName))) {
          found = true;
          return;
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** `asserts x is … & Consumed`: the index of the parameter the declaration consumes, or -1. */
export function consumedParam(checker: ts.TypeChecker, decl: ts.SignatureDeclaration): number {
  const t = decl.type;
  if (!t || !ts.isTypePredicateNode(t) || !t.assertsModifier || !t.type || !ts.isIdentifier(t.parameterName)) return -1;
  if (!mentionsConsumed(checker, t.type)) return -1;
  const name = t.parameterName.text;
  return decl.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name);
}

/**
 * The shape an argument check accepts: memdesc's consuming parameters are conditional types
 * (`FolioPutArg<R, …>` is `Checked<R> extends Checked<ARef<Folio> & Live> ? R : …`), and the role
 * and kind of what they consume are those of the shape in the `extends` clause.
 */
function argumentShape(checker: ts.TypeChecker, type: ts.Type): ts.Type {
  if (!(type.flags & TF.Conditional)) return type;
  const ext = (type as ts.ConditionalType).extendsType;
  const checked = ext.getProperty('checked');
  if (checked) return checker.getTypeOfSymbol(checked);
  return checker.isTupleType(ext) ? (checker.getTypeArguments(ext as ts.TypeReference)[0] ?? ext) : ext;
}

function consumeKindOf(checker: ts.TypeChecker, param: ts.ParameterDeclaration): ConsumeKind {
  const t = argumentShape(checker, checker.getTypeAtLocation(param));
  const c = t.flags & TF.TypeParameter ? checker.getBaseConstraintOfType(t) : t;
  if (!c || c.flags & TF.Any) {
    // Types that did not resolve: read the declared constraint.
    const tp = param.type && ts.isTypeReferenceNode(param.type) ? param.parent.typeParameters?.find((x) => x.name.text === param.type!.getText()) : undefined;
    const text = (tp?.constraint ?? param.type)?.getText() ?? '';
    if (/\bOwned</.test(text)) return 'free';
    if (/\bARef</.test(text)) return 'put';
    if (/LockedFolio/.test(text)) return 'unlock';
    if (/KmemCache/.test(text)) return 'destroy';
    return 'free';
  }
  const d = describeType(checker, t);
  if (d.role === 'Owned') return 'free';
  if (d.role === 'ARef') return 'put';
  if (d.role === 'Locked') return 'unlock';
  if (d.keys.has('cacheBrand')) return 'destroy';
  return d.what ? 'free' : 'consume';
}

function isContextType(checker: ts.TypeChecker, type0: ts.Type): boolean {
  // `VmallocCtx<Ctx>`: a conditional type over the context parameter.
  const type = type0.flags & TF.Conditional ? (type0 as ts.ConditionalType).checkType : type0;
  const keys = new Map<string, ts.Symbol>();
  phantomKeys(checker, type, keys);
  return keys.has('processContext') || keys.has('atomicBrand');
}

/**
 * The same, read from the declared return type's text, for a program whose types of memdesc
 * resolve to `any` (a tsconfig without the `ESNext.Disposable` lib that `Owned<T>` needs).
 */
function fromDeclaredText(decl: ts.SignatureDeclaration, fromCtx: boolean): ApiEffect['returns'] {
  const text = decl.type?.getText() ?? '';
  const nullable = /\|\s*null\b/.test(text);
  const kinds: [RegExp, string][] = [
    [/KmallocPtr/, 'kmalloc() memory'],
    [/SlabObject/, 'slab object'],
    [/VmallocArea/, 'vmalloc area'],
    [/PtDesc/, 'page table'],
    [/LockedFolio/, 'folio lock'],
    [/Folio/, 'folio'],
    [/Page/, 'page'],
  ];
  const what = kinds.find(([re]) => re.test(text))?.[1] ?? 'handle';
  if (/^(Owned|ARef)<|KmallocPtr|SlabObject|VmallocArea|LockedFolio/.test(text)) return fromCtx ? { kind: 'alloc', nullable, what } : { kind: 'ref', of: 0, nullable, what };
  if (/^Borrowed<|VirtAddr/.test(text) && !fromCtx) return { kind: 'view', of: 0, nullable, what };
  return undefined;
}

const effectCache = new WeakMap<ts.Declaration, ApiEffect | null>();

/** The effect of calling a function declared by `decl`, for memdesc's API and assertion consumers. */
export function effectOf(checker: ts.TypeChecker, decl: ts.SignatureDeclaration): ApiEffect | null {
  const hit = effectCache.get(decl);
  if (hit !== undefined) return hit;
  const memdesc = isMemdescFile(decl.getSourceFile().fileName);
  const name = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : '';
  const ci = consumedParam(checker, decl);
  let eff: ApiEffect | null = null;
  if (memdesc && name) {
    const row = TABLE[name] ?? {};
    let consumes = row.consumes;
    if (!consumes && ci >= 0) consumes = { index: ci, kind: consumeKindOf(checker, decl.parameters[ci]!) };
    let returns = row.returns;
    if (!returns) {
      const sig = checker.getSignatureFromDeclaration(decl);
      const ret = sig ? checker.getReturnTypeOfSignature(sig) : undefined;
      if (ret && !(ret.flags & TF.Void)) {
        const members = ret.isUnion() ? ret.types : [ret];
        const nullable = members.some((m) => m.flags & (TF.Null | TF.Undefined));
        const nonNull = members.filter((m) => !(m.flags & (TF.Null | TF.Undefined)));
        const d = nonNull.length === 1 ? describeType(checker, nonNull[0]!) : { role: '', what: '', keys: new Map<string, ts.Symbol>() };
        const first = decl.parameters[0];
        // A context first (`Memory` / `AtomicContext`, or a type over one: `VmallocCtx<Ctx>`): an allocation.
        const fromCtx =
          first !== undefined && (isContextType(checker, checker.getTypeAtLocation(first)) || /\b(Ctx|AllocContext|Memory|AtomicContext|VmallocCtx)\b/.test(first.type?.getText() ?? ''));
        const fresh = d.role === 'Owned' || d.role === 'ARef' || d.role === 'Locked' || d.keys.has('kmallocKey') || d.keys.has('slabCacheKey') || d.keys.has('areaKey');
        if (fresh && d.what) returns = fromCtx ? { kind: 'alloc', nullable, what: d.what } : { kind: 'ref', of: 0, nullable, what: d.what };
        else if ((d.role === 'Borrowed' || d.what === 'address') && !fromCtx && first !== undefined) returns = { kind: 'view', of: 0, nullable, what: d.what || 'view' };
        else if (ret.flags & TF.Any) returns = fromDeclaredText(decl, fromCtx);
      }
    }
    // The GFP parameter, as an overload declares it (an implementation signature says `number`).
    const sym = decl.name ? checker.getSymbolAtLocation(decl.name) : undefined;
    const sigs = (sym?.declarations ?? [decl]).filter((d): d is ts.SignatureDeclaration => ts.isFunctionLike(d));
    const isGfp = (p: ts.ParameterDeclaration) => p.type !== undefined && ts.isTypeReferenceNode(p.type) && ts.isIdentifier(p.type.typeName) && p.type.typeName.text === 'GfpArg';
    const gfp = sigs.reduce((found, d) => (found >= 0 ? found : d.parameters.findIndex(isGfp)), -1);
    eff = {
      name,
      memdesc: true,
      ...(consumes ? { consumes } : {}),
      ...(returns ? { returns } : {}),
      ...(gfp >= 0 && !row.sleeps ? { gfp } : {}),
      ...(row.sleeps ? { sleeps: true } : {}),
      ...(row.callback ? { callback: row.callback } : {}),
      ...(row.tolerates !== undefined ? { tolerates: row.tolerates } : {}),
      ...(row.fills !== undefined ? { fills: row.fills } : {}),
      ...(row.keeps !== undefined ? { keeps: row.keeps } : {}),
      ...(row.reads !== undefined ? { reads: row.reads } : {}),
      ...(row.list !== undefined ? { list: row.list } : {}),
    };
  } else if (ci >= 0) {
    eff = { name: name || 'an assertion function', memdesc: false, consumes: { index: ci, kind: consumeKindOf(checker, decl.parameters[ci]!) } };
  }
  effectCache.set(decl, eff);
  return eff;
}

/** Whether an expression's type says it may sleep: `Gfp<true>` → true, `Gfp<false>` → false, else undefined. */
export function gfpSleeps(checker: ts.TypeChecker, type: ts.Type): boolean | undefined {
  const keys = new Map<string, ts.Symbol>();
  phantomKeys(checker, type, keys);
  const p = keys.get('gfpSleeps');
  if (!p) return undefined;
  const t = checker.getTypeOfSymbol(p);
  if (t.flags & TF.BooleanLiteral) return (t as unknown as { intrinsicName: string }).intrinsicName === 'true';
  return undefined;
}

/** Whether a type is process context (a `Memory`: allocations with it may sleep). */
export function isProcessContext(checker: ts.TypeChecker, type: ts.Type): boolean {
  const keys = new Map<string, ts.Symbol>();
  phantomKeys(checker, type, keys);
  return keys.has('processContext') && !keys.has('atomicBrand');
}

/** What a type is, as a handle: its role mark and kind ('page', 'folio', …), or '' when it is none. */
export function handleKind(checker: ts.TypeChecker, type: ts.Type): { role: string; what: string } {
  const d = describeType(checker, type);
  return { role: d.role, what: d.what };
}
