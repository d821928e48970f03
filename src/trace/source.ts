/**
 * Where a trace comes from, for Node: a file path (plain or gzip), standard input, a stream, an
 * async iterable of chunks, or the bytes themselves — opened as batches of lines (lines.ts), with
 * I/O and gzip errors turned into `MmError` `INVALID_ARGUMENT` naming the source.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MmError, describeValue, invalidArgument } from '../debug/mm-error.js';
import { DEFAULT_MAX_LINE_LENGTH, splitLines, type LineItem } from './lines.js';

/**
 * (no kernel counterpart) — where a trace comes from: a file path (plain or gzip), `'-'` for
 * standard input, a readable stream (a Node `Readable` is an async iterable of chunks), an async
 * iterable of chunks, or the bytes themselves. Gzip is recognised by its magic number, not by the
 * file name.
 */
export type TraceSource = string | AsyncIterable<string | Uint8Array> | Uint8Array;

/** A human name for a source, for messages. */
export function traceSourceName(source: TraceSource): string {
  if (typeof source === 'string') return source === '-' ? 'standard input' : source;
  if (source instanceof Uint8Array) return `${source.length} bytes`;
  return 'stream';
}

/** `%TypedArray%.prototype[Symbol.toStringTag]`: a brand check that runs no code of the value's. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)!.get!;

function isAsyncIterable(x: unknown, fn: string): x is AsyncIterable<string | Uint8Array> {
  if (typeof x !== 'object' || x === null) return false;
  let method: unknown;
  try {
    method = (x as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
  } catch {
    invalidArgument(fn, 'source must be a file path, "-" for standard input, a stream or bytes (reading its Symbol.asyncIterator threw)', x);
  }
  return typeof method === 'function';
}

/** Checks a {@link TraceSource} argument that may arrive from plain JavaScript. */
export function checkTraceSource(source: unknown, fn: string): asserts source is TraceSource {
  if (typeof source === 'string') {
    if (source.length === 0) invalidArgument(fn, 'source must be a file path, "-" for standard input, a stream or bytes', source);
    return;
  }
  // A real Uint8Array (by its internal slot: Object.create(bytes) is not one), or an async iterable.
  if (typeof source === 'object' && source !== null && typedArrayTag.call(source) === 'Uint8Array') return;
  if (isAsyncIterable(source, fn)) return;
  invalidArgument(fn, 'source must be a file path, "-" for standard input, a stream or bytes', source);
}

/** Checks a `maxLineLength` option: an integer number of bytes, 1 KiB .. 1 GiB. */
export function checkMaxLineLength(v: unknown, fn: string): number {
  if (v === undefined) return DEFAULT_MAX_LINE_LENGTH;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1024 || v > 2 ** 30) invalidArgument(fn, 'maxLineLength must be an integer number of bytes in 1024..2^30', v);
  return v;
}

/** Wraps an I/O or gzip error in `INVALID_ARGUMENT`, naming the source. */
function sourceError(fn: string, source: TraceSource, e: unknown): MmError {
  if (e instanceof MmError) return e;
  const err = e as { code?: string; message?: string };
  const what =
    err.code === 'ENOENT'
      ? 'no such file'
      : err.code === 'EISDIR'
        ? 'is a directory'
        : err.code === 'EACCES'
          ? 'permission denied'
          : typeof err.code === 'string' && err.code.startsWith('Z_')
            ? `not a valid gzip stream (${err.message ?? err.code})`
            : (err.message ?? describeValue(e));
  return new MmError('INVALID_ARGUMENT', `${fn}(): cannot read trace ${JSON.stringify(traceSourceName(source))}: ${what}`);
}

/** `inner`, with its errors turned into `MmError` by `wrap`. */
async function* wrapErrors<T>(inner: AsyncGenerator<T>, wrap: (e: unknown) => MmError): AsyncGenerator<T> {
  try {
    for (;;) {
      let r: IteratorResult<T>;
      try {
        r = await inner.next();
      } catch (e) {
        throw wrap(e);
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await inner.return(undefined);
  }
}

/**
 * The stream through node:zlib, in 64 KiB output chunks (zlib's default 16 KiB makes the per-chunk
 * work cost twice the inflating). Errors of either side surface on the result.
 */
function gunzipped(input: Readable): Readable {
  const gunzip = createGunzip({ chunkSize: 1 << 16 });
  pipeline(input, gunzip, () => {});
  return gunzip;
}

const isGzip = (b: unknown) => b instanceof Uint8Array && b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Opens a source as an async iterable of batches of lines (lines.ts: at most `maxLine` bytes a
 * line; a longer one is skipped and reported), through node:zlib when it starts with the gzip
 * magic number. Reading is pulled by the consumer: memory is bounded by a batch, a chunk and
 * `maxLine`, never by the trace. A missing file, a directory or an unreadable first chunk rejects
 * here; later errors reject the iteration; all as `MmError` `INVALID_ARGUMENT`.
 */
export async function openTraceLines(source: TraceSource, fn: string, maxLine: number): Promise<AsyncIterable<readonly LineItem[]>> {
  checkTraceSource(source, fn);
  const wrap = (e: unknown) => sourceError(fn, source, e);
  let bytes: AsyncIterable<string | Uint8Array>;
  if (typeof source === 'string' && source !== '-') {
    // A file: sniff the gzip magic number with a 2-byte read, then stream it directly.
    const magic = new Uint8Array(2);
    let got = 0;
    try {
      const st = await stat(source);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const fh = await open(source, 'r');
      try {
        got = (await fh.read(magic, 0, 2, 0)).bytesRead;
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw wrap(e);
    }
    const file: Readable = createReadStream(source, { highWaterMark: 1 << 16 });
    bytes = got === 2 && isGzip(magic) ? gunzipped(file) : file;
  } else {
    let input: AsyncIterable<string | Uint8Array>;
    if (typeof source === 'string') input = process.stdin;
    else if (source instanceof Uint8Array) {
      input = (async function* () {
        for (let i = 0; i < source.length; i += 1 << 16) yield source.subarray(i, i + (1 << 16));
      })();
    } else input = source;
    const it = input[Symbol.asyncIterator]();
    let first: IteratorResult<string | Uint8Array>;
    try {
      first = await it.next();
    } catch (e) {
      throw wrap(e);
    }
    const head = first.done ? undefined : first.value;
    const rest = async function* (): AsyncGenerator<string | Uint8Array> {
      try {
        if (head === undefined) return;
        yield head;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        await it.return?.();
      }
    };
    bytes = isGzip(head) ? gunzipped(Readable.from(rest(), { objectMode: false })) : rest();
  }
  return { [Symbol.asyncIterator]: () => wrapErrors(splitLines(bytes, maxLine), wrap) };
}
