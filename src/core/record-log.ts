// Append-only JSONL record log for long runs: every finished record is written (one line, one
// write call) the moment it exists, so SIGKILL loses at most a partial last line, which is ignored
// on reopen. Records are keyed so `--resume` skips finished work and never duplicates it.
import { appendFileSync, closeSync, existsSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { scanRecords } from './jsonl-scan.ts';

export interface RecordLogOptions<T> {
  path: string;
  key: (record: T) => string;
}

export class RecordLog<T> {
  private readonly keys = new Set<string>();
  private fd: number;

  /**
   * Opens (or creates) the log; existing complete lines are indexed as they stream past (the file is
   * never held in memory), a torn tail is cut off, and a complete line that is not JSON is an error
   * naming the file and line (the log is left as it is).
   */
  constructor(private readonly opts: RecordLogOptions<T>) {
    if (existsSync(opts.path)) {
      const complete = scanRecords<T>(opts.path, (record) => this.keys.add(opts.key(record)));
      if (statSync(opts.path).size > complete) {
        const fd = openSync(opts.path, 'r+');
        ftruncateSync(fd, complete);
        closeSync(fd);
      }
    } else {
      appendFileSync(opts.path, '');
    }
    this.fd = openSync(opts.path, 'a');
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Appends a record unless its key is already present; returns whether it was written. */
  append(record: T): boolean {
    const key = this.opts.key(record);
    if (this.keys.has(key)) return false;
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.keys.add(key);
    return true;
  }

  /** All complete records currently in the file. */
  readAll(): T[] {
    return readRecords<T>(this.opts.path);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Reads complete JSONL records, ignoring a torn final line left by a crash; a complete line that is not
 * JSON is an error naming the file and line.
 */
export function readRecords<T>(path: string): T[] {
  const out: T[] = [];
  scanRecords<T>(path, (record) => out.push(record));
  return out;
}
