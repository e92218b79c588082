// Parquet round trips: nested lists, structs, lists of structs and nulls come back as written, and
// loaders read problems from Parquet. Python interop (pyarrow) lives in tests/interop when a venv exists.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProblems, readParquet, writeParquet } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-parquet-'));

describe('Parquet', () => {
  it('round-trips nested lists, structs and nulls', async () => {
    const rows = [
      {
        id: 'a',
        prompt: [{ role: 'user', content: 'Prove $x^2 \\ge 0$.' }],
        reward_model: { style: 'rubric', ground_truth: 'ok' },
        tags: ['x', 'y'],
        grid: [[1, 2], [3]],
        score: 1.5,
        n: 3,
        ok: true,
        note: null,
      },
      {
        id: 'b',
        prompt: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'q' },
        ],
        reward_model: { style: 'rubric', ground_truth: null },
        tags: [],
        grid: null,
        score: null,
        n: 4,
        ok: false,
        note: 'unicode — ü',
      },
      {
        id: 'c',
        prompt: null,
        reward_model: null,
        tags: null,
        grid: [[]],
        score: 2,
        n: null,
        ok: null,
        note: null,
      },
    ];
    const path = join(dir, 'nested.parquet');
    await writeParquet(path, rows);
    expect(await readParquet(path)).toEqual(rows);
  });

  it('fills missing struct fields with null and honours a column list', async () => {
    const path = join(dir, 'cols.parquet');
    await writeParquet(
      path,
      [
        { a: 1, s: { x: 1 } },
        { a: 2, s: { y: 'b' }, dropped: true },
      ],
      { columns: ['s', 'a'] },
    );
    expect(await readParquet(path)).toEqual([
      { s: { x: 1, y: null }, a: 1 },
      { s: { x: null, y: 'b' }, a: 2 },
    ]);
  });

  it('loads problems written as Parquet', async () => {
    const path = join(dir, 'problems.parquet');
    await writeParquet(path, [
      { id: 'p1', statement: 'S1', gradingGuidelines: 'G', meta: { split: 'basic' } },
      { id: 'p2', statement: 'S2', gradingGuidelines: null, meta: null },
    ]);
    expect(await loadProblems(path)).toEqual([
      { id: 'p1', statement: 'S1', gradingGuidelines: 'G', meta: { split: 'basic' } },
      { id: 'p2', statement: 'S2' },
    ]);
  });
});
