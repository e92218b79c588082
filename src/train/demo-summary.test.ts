import { describe, expect, it } from 'vitest';
import { generateProblem } from '../toy/generate.ts';
import {
  type SummaryRow,
  familyRows,
  formatFamilySeedTable,
  formatFamilyTable,
  formatGainSeedTable,
  formatGainTable,
  formatSeedTable,
  gainRows,
  seedMeanFamilyRows,
  seedMeanGainRows,
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

describe('stage gains', () => {
  const problems = [
    generateProblem(1, 'short', 's1', 'chain'),
    generateProblem(2, 'short', 's2', 'cases'),
    generateProblem(3, 'short', 's3', 'roads'),
    generateProblem(4, 'long', 'l1'),
  ];
  const scores = (entries: Array<[string, number]>) => new Map(entries);
  const results = [
    {
      stage: 'sft',
      scaffold: 'pure',
      scores: scores([
        ['s1', 7],
        ['s2', 0],
        ['s3', 3],
        ['l1', 2],
      ]),
    },
    {
      stage: 'rl',
      scaffold: 'pure',
      scores: scores([
        ['s1', 7],
        ['s2', 7],
        ['s3', 6],
        ['l1', 2],
      ]),
    },
    // s2 has no score here (every grade failed): it is left out of the pair, not counted as 0.
    {
      stage: 'rc-rl',
      scaffold: 'pure',
      scores: scores([
        ['s1', 7],
        ['s3', 7],
        ['l1', 2],
      ]),
    },
    {
      stage: 'sft',
      scaffold: 'reasoning-cache',
      scores: scores([
        ['s1', 0],
        ['s2', 3],
        ['s3', 4],
        ['l1', 1],
      ]),
    },
    {
      stage: 'rl',
      scaffold: 'reasoning-cache',
      scores: scores([
        ['s1', 3],
        ['s2', 6],
        ['s3', 7],
        ['l1', 4],
      ]),
    },
  ];
  const rows = gainRows(results, problems, 1);
  const find = (stage: string, scaffold: string, split: string) =>
    rows.find((r) => r.stage === stage && r.scaffold === scaffold && r.split === split)!;

  it('pairs each stage with the one before it, per scaffold and split', () => {
    expect(rows.map((r) => `${r.scaffold} ${r.stage} ${r.split}`)).toEqual([
      'pure rl − sft short',
      'pure rl − sft long',
      'pure rl − sft all',
      'pure rc-rl − rl short',
      'pure rc-rl − rl long',
      'pure rc-rl − rl all',
      'reasoning-cache rl − sft short',
      'reasoning-cache rl − sft long',
      'reasoning-cache rl − sft all',
    ]);
    expect(find('rl − sft', 'pure', 'short')).toMatchObject({ n: 3, higher: 2, lower: 0 });
    expect(find('rl − sft', 'pure', 'short').mean).toBeCloseTo(10 / 21);
    expect(find('rl − sft', 'pure', 'long')).toMatchObject({ mean: 0, n: 1, higher: 0, lower: 0 });
    expect(find('rc-rl − rl', 'pure', 'all')).toMatchObject({ n: 3, higher: 1 });
    expect(find('rc-rl − rl', 'pure', 'all').mean).toBeCloseTo(1 / 21);
  });

  it('gives the paired CI: the same gain on every problem is certain, however spread the scores', () => {
    // Every problem gains exactly 3 points while the scores themselves range from 0 to 7: a paired
    // resample always sees +3/7, so the CI is a point (two separate CIs would each be wide).
    const [low, high] = find('rl − sft', 'reasoning-cache', 'all').ci!;
    expect(low).toBeCloseTo(3 / 7, 12);
    expect(high).toBeCloseTo(3 / 7, 12);
    const mixed = find('rl − sft', 'pure', 'all').ci!;
    expect(mixed[0]).toBeLessThan(mixed[1]);
  });

  it('prints signed gains and averages them over seeds', () => {
    expect(formatGainTable(rows)).toContain('| rl − sft | reasoning-cache |  +42.9 [ +42.9,  +42.9] |');
    const seeds = seedMeanGainRows([
      { seed: 1, rows },
      { seed: 2, rows: rows.map((r) => ({ ...r, mean: r.mean === null ? null : -r.mean })) },
    ]);
    expect(seeds.find((r) => r.stage === 'rl − sft' && r.split === 'all')!.mean).toBeCloseTo(0);
    expect(formatGainSeedTable(seeds)).toContain('(+42.9 / −42.9)');
  });
});
