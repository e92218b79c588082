import { describe, expect, it } from 'vitest';
import { generateProblem } from '../toy/generate.ts';
import {
  type SummaryRow,
  familyRows,
  formatFamilySeedTable,
  formatFamilyTable,
  formatSeedTable,
  seedMeanFamilyRows,
  seedMeanRows,
} from './demo-summary.ts';

const row = (stage: string, split: SummaryRow['split'], mean: number): SummaryRow => ({
  stage,
  scaffold: 'pure',
  split,
  mean,
  ci: [mean, mean],
  n: 10,
});

describe('mean over seeds', () => {
  it('averages each stage × scaffold × split over the runs and keeps every seed', () => {
    const rows = seedMeanRows([
      { seed: 1, rows: [row('sft', 'all', 0.5), row('sft', 'long', 0.1)] },
      { seed: 2, rows: [row('sft', 'long', 0.3), row('sft', 'all', 0.7)] },
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ stage: 'sft', split: 'all', perSeed: [0.5, 0.7], seeds: [1, 2] });
    expect(rows[0].mean).toBeCloseTo(0.6);
    expect(rows[1].mean).toBeCloseTo(0.2);
    expect(formatSeedTable(rows)).toContain('| sft | pure | - |  20.0 (10.0 / 30.0) |  60.0 (50.0 / 70.0) |');
  });

  it('names the seed whose run lacks a row', () => {
    expect(() =>
      seedMeanRows([
        { seed: 1, rows: [row('sft', 'all', 0.5)] },
        { seed: 4, rows: [row('rl', 'all', 0.5)] },
      ]),
    ).toThrow(/seed 4: no row for sft \/ pure \/ all/);
  });
});

describe('score by family', () => {
  const problems = [
    generateProblem(1, 'short', 'c1', 'chain'),
    generateProblem(2, 'short', 'c2', 'chain'),
    generateProblem(3, 'long', 'l1'),
    generateProblem(4, 'short', 'k1', 'cases'),
    generateProblem(5, 'short', 'r1', 'roads'),
  ];
  const run = (sft: Array<[string, number]>, rl: Array<[string, number]>) =>
    familyRows(
      [
        { stage: 'sft', scaffold: 'pure', scores: new Map(sft) },
        { stage: 'rl', scaffold: 'pure', scores: new Map(rl) },
      ],
      problems,
    );

  it('averages each family of problems per stage × scaffold, and marks a family with no scores', () => {
    const rows = run(
      [
        ['c1', 7],
        ['c2', 0],
        ['l1', 3.5],
        ['r1', 7],
      ],
      [
        ['c1', 7],
        ['c2', 7],
        ['k1', 0],
        ['r1', 7],
      ],
    );
    expect(rows.find((r) => r.stage === 'sft' && r.family === 'short chains')).toMatchObject({
      mean: 0.5,
      n: 2,
    });
    expect(rows.find((r) => r.stage === 'sft' && r.family === 'cases')).toMatchObject({ mean: null, n: 1 });
    const table = formatFamilyTable(rows).split('\n');
    expect(table[0]).toBe(
      '| stage | scaffold | short chains (2) | long chains (1) | cases (1) | two roads (1) |',
    );
    expect(table[2]).toBe('| sft | pure |  50.0 |  50.0 |     - | 100.0 |');
    expect(table[3]).toBe('| rl | pure | 100.0 |     - |   0.0 | 100.0 |');
  });

  it('averages families over seeds, and gives no mean where a seed scored none of a family', () => {
    const rows = seedMeanFamilyRows([
      {
        seed: 1,
        rows: run(
          [
            ['c1', 7],
            ['k1', 7],
          ],
          [['c1', 7]],
        ),
      },
      {
        seed: 2,
        rows: run(
          [
            ['c1', 0],
            ['k1', 0],
          ],
          [
            ['c1', 7],
            ['k1', 7],
          ],
        ),
      },
    ]);
    const sftChains = rows.find((r) => r.stage === 'sft' && r.family === 'short chains')!;
    expect(sftChains).toMatchObject({ mean: 0.5, perSeed: [1, 0], seeds: [1, 2], n: 2 });
    expect(rows.find((r) => r.stage === 'rl' && r.family === 'cases')).toMatchObject({
      mean: null,
      perSeed: [null, 1],
    });
    expect(formatFamilySeedTable(rows)).toContain(
      '| rl | pure | 100.0 (100.0 / 100.0) |     - (- / -) |     - (- / 100.0) |',
    );
  });
});
