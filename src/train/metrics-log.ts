// Training metrics as JSONL, one record per step (`step` = steps done). On resume after step s the file
// is first cut back to the records up to s (rewritten atomically), so a resumed run continues the same curve without
// duplicated or orphaned steps.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface StepRecord {
  step: number;
  [key: string]: unknown;
}

export class MetricsLog {
  constructor(readonly path: string) {}

  /** Keeps only records with step <= lastStep (all are dropped when lastStep is 0). */
  truncate(lastStep: number): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => {
        if (!line.trim()) return false;
        try {
          return (JSON.parse(line) as StepRecord).step <= lastStep;
        } catch {
          return false;
        }
      });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, kept.map((l) => `${l}\n`).join(''));
    renameSync(tmp, this.path);
  }

  append(record: StepRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  read(): StepRecord[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as StepRecord);
  }
}
