// io_uring-like request issue: requests come from a kmem_cache; a request that gets -EAGAIN
// is queued for io-wq retry, a completed one posts its result and goes back to the cache.
import {
  kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, writeRaw, readRaw, GFP_KERNEL,
  type Memory, type KmemCache, type SlabObject,
} from 'memdesc';

type ReqCache = KmemCache<'io_kiocb'>;
type Req = SlabObject<'io_kiocb'>;

const EAGAIN = -11;

function issue(req: Req, opcode: number): number {
  writeRaw(req, new Uint8Array([opcode]), 0);
  return opcode === 2 ? EAGAIN : 0; // reads of a cold file would block
}

function submit(mem: Memory, cache: ReqCache, opcodes: number[], retry: Set<Req>): number {
  let done = 0;
  for (const op of opcodes) {
    const req = kmemCacheAlloc(mem, cache, GFP_KERNEL);
    if (req === null) break;
    const res = issue(req, op);
    if (res === EAGAIN) {
      retry.add(req); // io-wq now owns the request
      continue;
    }
    kmemCacheFree(cache, req); // completed: back to the cache
    done++;
  }
  return done;
}

function ioWqRun(cache: ReqCache, retry: Set<Req>): void {
  for (const req of retry) {
    retry.delete(req);
    const op = new Uint8Array(1);
    readRaw(req, op, 0);
    kmemCacheFree(cache, req);
  }
}

export function run(mem: Memory): void {
  const cache = kmemCacheCreate(mem, 'io_kiocb', 256);
  const retry = new Set<Req>();
  submit(mem, cache, [1, 2, 1], retry);
  ioWqRun(cache, retry);
  kmemCacheDestroy(cache);
}
