// MinHash + LSH dedup and n-gram decontamination: planted near-duplicates are found, distinct texts are
// kept, results are seeded and deterministic, and the file-level commands keep every column.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { decontaminateFile } from './decontaminate-file.ts';
import { imoBenchFile } from './imo-bench-files.ts';
import { decontaminateTexts } from './decontaminate.ts';
import { dedupFile } from './dedup-file.ts';
import { jaccardSorted, normalizeWords, shingleHashes } from './dedup-text.ts';
import { dedupTexts, lshParams } from './dedup.ts';

const VOCAB =
  'prime integer divides sum square triangle circle angle sequence bound prove show every there exists least greatest odd even modulo residue polynomial root real function graph vertex edge colour'.split(
    ' ',
  );

function randomText(rng: Rng, words: number): string {
  return Array.from({ length: words }, () => rng.pick(VOCAB) + rng.int(0, 99)).join(' ');
}

/** Replaces `edits` random words: a near-duplicate. */
function perturb(text: string, rng: Rng, edits: number): string {
  const w = text.split(' ');
  for (let e = 0; e < edits; e++) w[rng.int(0, w.length - 1)] = `edit${rng.int(0, 9999)}`;
  return w.join(' ');
}

const PB = imoBenchFile('proofbench_v2.csv');

describe('dedup', () => {
  it.each([
    [
      'Let $p$ be a prime. Show that $p^2 \\equiv 1$.',
      ['let', 'p', 'be', 'a', 'prime', 'show', 'that', 'p', '2', 'equiv', '1'],
    ],
    ['  MIXED  case, punctuation!!  ', ['mixed', 'case', 'punctuation']],
    ['', []],
  ])('normalizes %j', (text, words) => {
    expect(normalizeWords(text)).toEqual(words);
  });

  it('computes exact Jaccard on shingle sets', () => {
    const a = shingleHashes('a b c d e f'.split(' '), 2);
    const b = shingleHashes('a b c d e g'.split(' '), 2);
    expect(jaccardSorted(a, a)).toBe(1);
    expect(jaccardSorted(a, b)).toBeCloseTo(4 / 6);
  });

  it('picks LSH bands whose S-curve passes near the threshold', () => {
    for (const t of [0.5, 0.7, 0.9]) {
      const { bands, rows } = lshParams(t, 128);
      expect(bands * rows).toBeLessThanOrEqual(128);
      const p = (s: number) => 1 - (1 - s ** rows) ** bands;
      expect(p(Math.min(1, t + 0.1))).toBeGreaterThan(0.9);
      expect(p(Math.max(0, t - 0.3))).toBeLessThan(0.5);
    }
  });

  it('finds planted near-duplicates (recall ≥ 0.95) and keeps distinct texts', () => {
    const rng = new Rng(3);
    const texts: string[] = [];
    const planted: Array<[number, number]> = [];
    for (let i = 0; i < 600; i++) texts.push(randomText(rng, 80));
    for (let i = 0; i < 100; i++) {
      const src = rng.int(0, 599);
      planted.push([texts.length, src]);
      texts.push(perturb(texts[src], rng, 2));
    }
    const r = dedupTexts(texts, { threshold: 0.7, seed: 1 });
    const removed = new Map(r.removed.map((h) => [h.index, h.duplicateOf]));
    const found = planted.filter(([dup]) => removed.has(dup)).length;
    expect(found / planted.length).toBeGreaterThanOrEqual(0.95);
    expect(r.keep.length).toBe(600 + 100 - r.removed.length);
    for (const h of r.removed) expect(h.jaccard).toBeGreaterThanOrEqual(0.7);
    expect(r.removed.length).toBeLessThanOrEqual(100);
    expect(dedupTexts(texts, { threshold: 0.7, seed: 1 })).toEqual(r);
  });

  it('dedups a dataset file on statements, keeping the first of each cluster and every column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-dedup-'));
    const input = join(dir, 'in.jsonl');
    const rows = [
      {
        id: 'a',
        problem: 'Prove that the sum of two odd integers is always an even integer, for all integers.',
        extra: 1,
      },
      {
        id: 'b',
        problem: 'Prove that the sum of two odd integers is always an even integer, for all integers!',
        extra: 2,
      },
      {
        id: 'c',
        problem: 'Find every prime p such that p squared plus two is also a prime number.',
        extra: 3,
      },
    ];
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n'));
    const report = await dedupFile({ input, out: join(dir, 'out.jsonl'), field: 'statement' });
    expect(report).toMatchObject({ records: 3, kept: 2, removedCount: 1 });
    expect(report.removed[0]).toMatchObject({ id: 'b', duplicateOfId: 'a', jaccard: 1 });
    const kept = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(kept.map((r) => r.id)).toEqual(['a', 'c']);
    expect(kept[1]).toEqual(rows[2]);
    await expect(dedupFile({ input, out: join(dir, 'o2.jsonl'), field: 'nope' })).rejects.toThrow(
      /line 1 has no text for --field nope/,
    );
  });
});

describe('decontaminate', () => {
  it('reports shared 13-grams with overlap and leaves unrelated texts alone', () => {
    const bench = [{ source: 'b', id: 'B1', text: randomText(new Rng(1), 60) }];
    const copied = `Intro words here. ${bench[0].text.split(' ').slice(10, 40).join(' ')} and more.`;
    const hits = decontaminateTexts([copied, randomText(new Rng(2), 60)], bench);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ index: 0, benchmarkId: 'B1', sharedNgrams: 30 - 13 + 1 });
    expect(hits[0].overlap).toBeGreaterThan(0.5);
    expect(decontaminateTexts([copied], bench, { minOverlap: 0.99 })).toHaveLength(0);
  });

  it.skipIf(!PB)('removes a lightly edited IMO-ProofBench statement from a training file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-decon-'));
    const input = join(dir, 'train.jsonl');
    const csv = readFileSync(PB!, 'utf8');
    const pb1 = /PB-Basic-001,"([^"]+)"/.exec(csv)?.[1] ?? '';
    expect(pb1.length).toBeGreaterThan(50);
    writeFileSync(
      input,
      [
        { id: 't1', problem: `Problem 3. ${pb1.replace(/\$/g, '')}` },
        {
          id: 't2',
          problem:
            'Show that there are infinitely many primes of the form 4k+3 using a Euclid style argument.',
        },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const report = await decontaminateFile({ input, against: [dirname(PB!)], out: join(dir, 'clean.jsonl') });
    expect(report).toMatchObject({
      records: 2,
      kept: 1,
      removedCount: 1,
      against: [{ items: 400 }, { items: 60 }],
    });
    expect(report.hits[0]).toMatchObject({
      id: 't1',
      source: 'proofbench_v2.csv',
      benchmarkId: 'PB-Basic-001',
      field: 'statement',
    });
    expect(readFileSync(join(dir, 'clean.jsonl'), 'utf8')).toContain('"t2"');
    // A field no benchmark record has would check against nothing: refused, not reported clean.
    await expect(
      decontaminateFile({
        input,
        against: [dirname(PB!)],
        out: join(dir, 'none.jsonl'),
        benchmarkFields: ['solution'],
      }),
    ).rejects.toThrow(/no benchmark text: .* has field "solution"/);
    await expect(
      decontaminateFile({ input, against: [join(dir, 'missing')], out: join(dir, 'none.jsonl') }),
    ).rejects.toThrow(/--against .*missing: no such file or directory/);
  });
});
