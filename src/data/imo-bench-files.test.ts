import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imoBenchDirs, imoBenchFile } from './imo-bench-files.ts';

describe('finding the IMO bench CSVs', () => {
  it('looks in $QED_BENCH_DIR first, and says null when no folder has the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-bench-'));
    writeFileSync(join(dir, 'proofbench_v2.csv'), 'x');
    expect(imoBenchDirs({ QED_BENCH_DIR: dir })[0]).toBe(dir);
    expect(imoBenchFile('proofbench_v2.csv', { QED_BENCH_DIR: dir })).toBe(join(dir, 'proofbench_v2.csv'));
    expect(imoBenchFile('no-such-bench.csv', { QED_BENCH_DIR: dir })).toBeNull();
  });
});
