/**
 * Rule family: contexts. Under a spinlock only allocations that cannot sleep are allowed; the
 * may-sleep bit survives combining flags with gfp(...).
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  spinLockInit,
  withSpinLock,
  allocPage,
  allocPages,
  freePage,
  kmemCacheCreate,
  drainAllPages,
  gfp,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_NOWAIT,
  GFP_NOIO,
  __GFP_ZERO,
  __GFP_NOWARN,
  __GFP_DIRECT_RECLAIM,
  type Gfp,
  type AtomicContext,
  type Memory,
} from '../dist/index.js';

const mem = createMemory();
const lock = spinLockInit(mem);

expectType<Gfp<false>>(gfp(GFP_ATOMIC, __GFP_ZERO));
expectType<Gfp<true>>(gfp(GFP_KERNEL, __GFP_ZERO));
expectType<Gfp<true>>(gfp(GFP_NOWAIT, __GFP_DIRECT_RECLAIM));
expectType<Gfp<false>>(gfp(GFP_NOWAIT, __GFP_NOWARN, __GFP_ZERO));

withSpinLock(lock, (ctx) => {
  expectType<AtomicContext>(ctx);
  const a = allocPage(ctx, GFP_ATOMIC);
  const b = allocPages(ctx, GFP_NOWAIT, 2);
  const c = allocPage(ctx, gfp(GFP_ATOMIC, __GFP_ZERO));
  expectError(allocPage(ctx, GFP_KERNEL));
  expectError(allocPages(ctx, GFP_NOIO, 1));
  expectError(allocPage(ctx, gfp(GFP_KERNEL, __GFP_ZERO)));
  expectError(allocPage(ctx, gfp(GFP_ATOMIC, __GFP_DIRECT_RECLAIM)));
  // `|` gives a plain number: its may-sleep bit is lost, so atomic context refuses it.
  expectError(allocPage(ctx, GFP_ATOMIC | __GFP_ZERO));
  if (a) freePage(a);
  if (c) freePage(c);
  return b;
});

// Process context may sleep: anything goes, including plain numbers.
allocPage(mem, GFP_KERNEL);
allocPage(mem, GFP_KERNEL | __GFP_ZERO);
allocPage(mem, gfp(GFP_KERNEL, __GFP_ZERO));

// A context is a Memory or an AtomicContext, nothing else.
expectError(allocPage({} as { nrPages: number }, GFP_ATOMIC));
declare const either: Memory | AtomicContext;
expectError(allocPage(either, GFP_KERNEL)); // might be atomic
allocPage(either, GFP_ATOMIC);

// Calls that sleep whatever their flags (they take a mutex) are refused with the atomic context,
// and with a context that may be atomic.
withSpinLock(lock, (ctx) => {
  expectError(kmemCacheCreate(ctx, 'under_lock', 64));
  expectError(drainAllPages(ctx));
});
expectError(drainAllPages(either));
drainAllPages(mem);
kmemCacheCreate(mem, 'process_context', 64);
