// Append-only JSONL record log for long runs: every finished record is written (one line, one
// write call) the moment it exists, so SIGKILL loses at most a partial last line, which is ignored
// on reopen. Records are keyed so `--resume` skips finished work and never duplicates it.
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';

export interface RecordLogOptions<T> {
  path: string;
  key: (record: T) => string;
}

export class RecordLog<T> {
  private readonly keys = new Set<string>();
  private fd: number;

  /** Opens (or creates) the log; existing complete lines are indexed, a torn tail is cut off. */
  constructor(private readonly opts: RecordLogOptions<T>) {
    if (existsSync(opts.path)) {
      const text = readFileSync(opts.path, 'utf8');
      let goodBytes = 0;
      let offset = 0;
      for (const line of text.split('\n')) {
        const lineBytes = Buffer.byteLength(line, 'utf8') + 1;
        if (offset + lineBytes > Buffer.byteLength(text, 'utf8')) break; // last piece has no newline: torn
        offset += lineBytes;
        if (line.trim() === '') {
          goodBytes = offset;
          continue;
        }
        try {
          this.keys.add(opts.key(JSON.parse(line) as T));
          goodBytes = offset;
        } catch {
          break;
        }
      }
      if (goodBytes < Buffer.byteLength(text, 'utf8')) {
        const fd = openSync(opts.path, 'r+');
        ftruncateSync(fd, goodBytes);
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

/** Reads complete JSONL records, ignoring a torn final line left by a crash. */
export function readRecords<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      if (i === lines.length - 1) break; // torn tail
      throw new Error(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
  }
  return out;
}
