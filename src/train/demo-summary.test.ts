import { describe, expect, it } from 'vitest';
import { type SummaryRow, formatSeedTable, seedMeanRows } from './demo-summary.ts';

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
