// Whole-file passes over a run's attempts.jsonl, streamed line by line so runs with millions of long
// proofs never need the file in memory: counting records and failures, and moving failures aside for
// --retry-failed. A torn last line (a killed writer) is left out, as RecordLog does.
import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

async function* records(file: string): AsyncGenerator<{ line: string; failed: boolean }> {
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let record: { error?: unknown };
    try {
      record = JSON.parse(line) as { error?: unknown };
    } catch {
      continue; // only a torn final line can fail here; RecordLog cuts it on open
    }
    yield { line, failed: record.error !== undefined };
  }
}

export async function countAttempts(file: string): Promise<{ records: number; failed: number }> {
  let n = 0;
  let failed = 0;
  for await (const r of records(file)) {
    n++;
    if (r.failed) failed++;
  }
  return { records: n, failed };
}

const write = (stream: WriteStream, text: string): Promise<void> =>
  new Promise((resolve) => (stream.write(text) ? resolve() : stream.once('drain', resolve)));
const end = (stream: WriteStream): Promise<void> => new Promise((resolve) => stream.end(resolve));

/** Moves failed records from `file` to `aside` (appended) and keeps the rest; returns how many moved. */
export async function moveFailedAttempts(file: string, aside: string): Promise<number> {
  const kept = createWriteStream(`${file}.tmp`);
  const moved = createWriteStream(aside, { flags: 'a' });
  let n = 0;
  for await (const r of records(file)) {
    if (r.failed) n++;
    await write(r.failed ? moved : kept, `${r.line}\n`);
  }
  await Promise.all([end(kept), end(moved)]);
  renameSync(`${file}.tmp`, file);
  return n;
}
