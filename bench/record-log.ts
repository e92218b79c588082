// Reopening a long run's record log (what `qed distill --resume` and `qed rubrics --resume` do first):
// N records of a few KB each are written, then a RecordLog is opened on the file, which indexes every
// key and cuts a torn tail. Prints the file size, the reopen time and the throughput as JSON.
// Run: node --import tsx bench/record-log.ts [--n 20000] [--bytes 2500]
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordLog } from '../src/core/record-log.ts';
import { numberArg } from './args.ts';

const n = numberArg('n', 20_000);
const bytes = numberArg('bytes', 2500);
const dir = mkdtempSync(join(tmpdir(), 'qed-record-log-'));
try {
  const path = join(dir, 'distill.jsonl');
  const proof = 'p'.repeat(bytes);
  writeFileSync(
    path,
    Array.from({ length: n }, (_, i) => `${JSON.stringify({ id: `r${i}`, proof })}\n`).join(''),
  );
  appendFileSync(path, '{"id":"torn","pro'); // a crash mid-write
  const t0 = performance.now();
  const log = new RecordLog<{ id: string }>({ path, key: (r) => r.id });
  const ms = performance.now() - t0;
  log.close();
  console.log(
    JSON.stringify({
      records: log.size,
      file_mb: Math.round(statSync(path).size / 1e5) / 10,
      reopen_ms: Math.round(ms),
      records_per_s: Math.round((log.size / ms) * 1000),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
