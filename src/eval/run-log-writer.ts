// Writes the final `run.json` (RunLogSchema) of an eval run by streaming: attempts and grades are
// joined from the append-only JSONL logs by byte offset, samples are emitted in (problem, sample)
// order and fed to the metrics accumulator one at a time, and the file is renamed into place at the
// end, so memory does not grow with the number of samples and a crash never leaves half a run.json.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Attempt } from '../core/attempt.ts';
import { attemptId } from '../core/attempt.ts';
import { environmentInfo } from '../core/environment.ts';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { RUN_LOG_SCHEMA_VERSION } from '../core/run-log.ts';
import { LineReader, scanRecords, type LineRef } from '../core/jsonl-scan.ts';
import { MetricsAccumulator, type EvalMetrics } from './metrics.ts';

export const ATTEMPTS_FILE = 'attempts.jsonl';
export const GRADES_FILE = 'grades.jsonl';
export const RUN_LOG_FILE = 'run.json';

export interface WriteRunLogOptions {
  dir: string;
  problems: readonly Problem[];
  samples: number;
  config: Record<string, unknown>;
  createdAt: string;
  seed?: number;
  passThreshold?: number;
}

/** Buffered writes to a file descriptor. */
class Out {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

function indexLog(
  path: string,
  key: (r: { attemptId?: string; problemId: string; sampleIndex: number }) => string,
) {
  const index = new Map<string, LineRef>();
  scanRecords<{ attemptId?: string; id?: string; problemId: string; sampleIndex: number }>(path, (r, ref) => {
    if (!index.has(key(r))) index.set(key(r), ref);
  });
  return index;
}

export function writeRunLog(opts: WriteRunLogOptions): {
  path: string;
  metrics: EvalMetrics;
  samples: number;
} {
  const attemptsPath = join(opts.dir, ATTEMPTS_FILE);
  const gradesPath = join(opts.dir, GRADES_FILE);
  const attempts = indexLog(attemptsPath, (r) => attemptId(r));
  const grades = indexLog(gradesPath, (r) => r.attemptId ?? attemptId(r));
  const grader = opts.config.grader as { scheme?: unknown } | undefined;
  const acc = new MetricsAccumulator({
    seed: opts.seed,
    passThreshold: opts.passThreshold,
    answers: grader?.scheme === 'answer',
  });
  const path = join(opts.dir, RUN_LOG_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  const attemptReader = new LineReader(attemptsPath);
  const gradeReader = grades.size ? new LineReader(gradesPath) : null;
  let count = 0;
  let open = true;
  try {
    const out = new Out(fd);
    const head = {
      schemaVersion: RUN_LOG_SCHEMA_VERSION,
      kind: 'eval',
      createdAt: opts.createdAt,
      finishedAt: new Date().toISOString(),
      config: opts.config,
      environment: environmentInfo(),
    };
    out.write(`${JSON.stringify(head).slice(0, -1)},"samples":[`);
    for (const problem of opts.problems) {
      for (let i = 0; i < opts.samples; i++) {
        const id = attemptId({ problemId: problem.id, sampleIndex: i });
        const aRef = attempts.get(id);
        if (!aRef) continue;
        const attempt = attemptReader.read<Attempt>(aRef);
        const gRef = grades.get(id);
        const grade = gRef && gradeReader ? gradeReader.read<Grade>(gRef) : null;
        acc.add(attempt, grade, {
          category: problem.category,
          subcategory: problem.subcategory,
          difficulty: problem.difficulty,
        });
        out.write(`${count ? ',' : ''}\n${JSON.stringify({ attempt, grade })}`);
        count++;
      }
    }
    const metrics = acc.result();
    out.write(`\n],"metrics":${JSON.stringify(metrics)}}\n`);
    out.flush();
    closeSync(fd);
    open = false;
    renameSync(tmp, path);
    return { path, metrics, samples: count };
  } finally {
    if (open) closeSync(fd);
    attemptReader.close();
    gradeReader?.close();
  }
}
