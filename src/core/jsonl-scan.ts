// Streaming access to append-only JSONL logs without holding them in memory: scan complete lines
// with their byte offsets (a torn last line, left by a crash, is skipped), and read one line back
// by offset, and rewrite a log keeping some of its lines. Used to join attempts with grades and to
// resume runs of any size.
import { closeSync, existsSync, openSync, readSync, renameSync, writeSync } from 'node:fs';

export interface LineRef {
  offset: number;
  length: number;
  /** 1-based line number in the file. */
  line: number;
}

const CHUNK = 1 << 20;

/**
 * Calls `onLine(text, ref)` for every complete, non-empty line, in file order. Returns the length in
 * bytes of the complete part of the file (up to its last newline); what follows is a torn line.
 */
export function scanLines(path: string, onLine: (line: string, ref: LineRef) => void): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  let line = 0;
  let base = 0; // file offset of carry[0]
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        line++;
        if (nl > start) {
          const text = data.toString('utf8', start, nl);
          if (text.trim() !== '') onLine(text, { offset: base + start, length: nl - start, line });
        }
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      base += start;
    }
  } finally {
    closeSync(fd);
  }
  return base;
}

/**
 * Parses every complete line as JSON; a line that is not JSON is an error naming file and line. Returns
 * the length of the complete part of the file, as scanLines does.
 */
export function scanRecords<T>(path: string, onRecord: (record: T, ref: LineRef) => void): number {
  return scanLines(path, (line, ref) => {
    let record: T;
    try {
      record = JSON.parse(line) as T;
    } catch (e) {
      throw new Error(`${path}:${ref.line}: not valid JSON (${(e as Error).message})`);
    }
    onRecord(record, ref);
  });
}

/** Random access to lines of one file by offset. */
export class LineReader {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  read<T>(ref: LineRef): T {
    const buf = Buffer.allocUnsafe(ref.length);
    readSync(this.fd, buf, 0, ref.length, ref.offset);
    return JSON.parse(buf.toString('utf8')) as T;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Rewrites the log at `path` with only the complete lines `keep` accepts (as it does for
 * `JSON.parse(line)`), to a temporary copy renamed over the original, so a crash leaves either the
 * old or the new file.
 */
export function keepLines(path: string, keep: (record: Record<string, unknown>) => boolean): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    scanLines(path, (line) => {
      if (keep(JSON.parse(line) as Record<string, unknown>)) writeSync(fd, `${line}\n`);
    });
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
