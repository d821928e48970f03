/**
 * Splitting a byte stream into lines, with a bound on the line length: what the trace reader
 * sits on. A line longer than the bound is not kept — its bytes are skipped up to the next
 * newline (a `memchr`, no decoding) and it comes out as an {@link OverLongLine} with its first
 * characters — so memory is bounded by the bound plus one chunk, whatever the input: a gzip of
 * zeros with no newline, `/dev/zero`, a binary file. (node:readline has no bound: it builds the
 * line as one string until V8 refuses, about 512 MiB, and throws a `RangeError` from an event
 * handler, where no caller can catch it.)
 *
 * Lines end at `\n`; a trailing `\r` is left for the parser, which ignores it. Bytes are decoded
 * as UTF-8 (invalid sequences become U+FFFD), one chunk's complete lines at a time. Platform
 * neutral: async iterables of `Uint8Array` or strings in, batches of lines out.
 *
 * @module
 */

/** (no kernel counterpart) — a line longer than the bound: its first characters and its length. */
export interface OverLongLine {
  /** The first {@link OVERLONG_HEAD} characters. */
  readonly head: string;
  /** Its length in bytes (UTF-16 code units for string input). */
  readonly bytes: number;
}

/** What a batch holds: a line, or an over-long line that was skipped. */
export type LineItem = string | OverLongLine;

/** Lines per batch handed to the consumer: one promise per 2048 lines, not one per line. */
export const BATCH_LINES = 2048;
/** Characters of an over-long line kept for the report. */
export const OVERLONG_HEAD = 200;
/** The default bound on a line: 1 MiB. A kmem trace line is about 150 bytes; `trace_marker` writes at most a page. */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;

const NL = 10;
const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** Concatenates `parts` (and `last`) into one array. */
function concat(parts: readonly Uint8Array[], size: number, last: Uint8Array): Uint8Array {
  const out = new Uint8Array(size + last.length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(last, at);
  return out;
}

/**
 * Batches of the lines of `input`, each at most `maxLine` bytes; a longer one is an
 * {@link OverLongLine}. The last line needs no newline. Errors of `input` propagate.
 */
export async function* splitLines(input: AsyncIterable<string | Uint8Array>, maxLine: number): AsyncGenerator<LineItem[]> {
  /** The bytes of the unfinished line, copied (a source may reuse its buffers). */
  let parts: Uint8Array[] = [];
  let pending = 0;
  /** While an over-long line is skipped: its head (else null), and its bytes so far. */
  let skipHead: string | null = null;
  let skipBytes = 0;
  let batch: LineItem[] = [];

  const skip = (first: Uint8Array, bytes: number) => {
    skipHead = decoder.decode(first.subarray(0, OVERLONG_HEAD * 4)).slice(0, OVERLONG_HEAD);
    skipBytes = bytes;
    parts = [];
    pending = 0;
  };
  const pushLine = (line: string) => {
    batch.push(line.length > maxLine ? { head: line.slice(0, OVERLONG_HEAD), bytes: line.length } : line);
  };

  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? encoder.encode(raw) : raw;
    let start = 0;
    if (skipHead !== null) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        skipBytes += chunk.length;
        continue;
      }
      batch.push({ head: skipHead, bytes: skipBytes + nl });
      skipHead = null;
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last < start) {
      // No line ends in this chunk: it all belongs to the unfinished line.
      const rest = chunk.subarray(start);
      if (pending + rest.length > maxLine) skip(concat(parts, pending, rest.subarray(0, OVERLONG_HEAD * 4)), pending + rest.length);
      else if (rest.length > 0) {
        parts.push(rest.slice());
        pending += rest.length;
      }
    } else {
      const body = chunk.subarray(start, last);
      const text = decoder.decode(pending > 0 ? concat(parts, pending, body) : body);
      parts = [];
      pending = 0;
      let a = 0;
      for (let b = text.indexOf('\n'); b >= 0; b = text.indexOf('\n', a)) {
        pushLine(text.slice(a, b));
        a = b + 1;
      }
      pushLine(a === 0 ? text : text.slice(a));
      const tail = chunk.subarray(last + 1);
      if (tail.length > maxLine) skip(tail, tail.length);
      else if (tail.length > 0) {
        parts.push(tail.slice());
        pending = tail.length;
      }
    }
    if (batch.length >= BATCH_LINES) {
      yield batch;
      batch = [];
    }
  }
  if (skipHead !== null) batch.push({ head: skipHead, bytes: skipBytes });
  else if (pending > 0) pushLine(decoder.decode(concat(parts, pending, new Uint8Array(0))));
  if (batch.length > 0) yield batch;
}
