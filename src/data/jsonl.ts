// Streaming JSONL reader: yields one record per line without holding the file in memory. A line
// that is not JSON, or fails the schema, is an InputError naming file:line:field; with
// `skipInvalid` it is reported through `onInvalid` and skipped instead.
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ZodType } from 'zod';
import { InputError } from '../core/errors.ts';
import { isGzip, openBytes } from './open-text.ts';
import { validateRecord } from './validate.ts';

export interface JsonlEntry {
  line: number;
  value?: unknown;
  /** Set when the line is not valid JSON. */
  error?: InputError;
  /** The final line when the file does not end in a newline (a torn write if it fails to parse). */
  last?: boolean;
}

/** Every non-blank line of a JSONL file with its 1-based line number; parse errors are data. */
export async function* jsonlEntries(path: string): AsyncGenerator<JsonlEntry> {
  const lines = createInterface({ input: openBytes(path).setEncoding('utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  let pending: JsonlEntry | undefined;
  try {
    for await (const raw of lines) {
      lineNo++;
      if (pending) yield pending;
      pending = undefined;
      const text = raw.trim();
      if (text === '') continue;
      pending = parseLine(text, path, lineNo);
    }
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file: path });
  }
  if (pending) yield isGzip(path) || (await endsWithNewline(path)) ? pending : { ...pending, last: true };
}

async function endsWithNewline(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

function parseLine(text: string, file: string, line: number): JsonlEntry {
  try {
    return { line, value: JSON.parse(text) as unknown };
  } catch (e) {
    const detail = (e as Error).message.replace(/^JSON\.parse: /, '');
    return { line, error: new InputError(`not valid JSON (${detail})`, { file, line }) };
  }
}

export interface ReadJsonlOptions<T> {
  schema?: ZodType<T>;
  /** Report bad lines through `onInvalid` and go on instead of throwing. */
  skipInvalid?: boolean;
  onInvalid?: (error: InputError) => void;
  /** Ignore an unparseable final line (a write cut short by a crash), as run logs do on resume. */
  tolerateTornTail?: boolean;
}

/** Streams records of a JSONL file, validated by `schema` when given. */
export async function* readJsonl<T = unknown>(
  path: string,
  opts: ReadJsonlOptions<T> = {},
): AsyncGenerator<T> {
  for await (const entry of jsonlEntries(path)) {
    let error = entry.error;
    let value = entry.value as T;
    if (error && entry.last && opts.tolerateTornTail) continue;
    if (!error && opts.schema) {
      const checked = validateRecord(opts.schema, entry.value, { file: path, line: entry.line });
      if (checked.ok) value = checked.value;
      else error = checked.error;
    }
    if (error) {
      if (!opts.skipInvalid) throw error;
      opts.onInvalid?.(error);
      continue;
    }
    yield value;
  }
}

/** Collects `readJsonl` into an array. */
export async function readJsonlAll<T = unknown>(path: string, opts: ReadJsonlOptions<T> = {}): Promise<T[]> {
  const out: T[] = [];
  for await (const record of readJsonl(path, opts)) out.push(record);
  return out;
}
