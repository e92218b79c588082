// Rubric generation: validation rules (table-driven), re-asking with the errors until valid, recorded
// failures, resume, and the IMO-ProofBench guideline import reproducing the 7/6/1/0 scale.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../core/record-log.ts';
import { rubricMaxPoints } from '../core/rubric.ts';
import { imoBenchFile } from './imo-bench-files.ts';
import { loadProblems } from './index.ts';
import { createMockProvider } from '../providers/index.ts';
import type { MockProviderCall } from '../providers/index.ts';
import { parseProofBenchGuidelines, rubricFromProofBench } from './rubric-gen-import.ts';
import { extractJsonObject, validateRubric } from './rubric-gen-validate.ts';
import { loadRubricTemplate, PROBLEMS_FILE, RUBRICS_FILE, runRubrics } from './rubric-gen.ts';
import type { RubricRecord } from './rubric-gen.ts';

const PB = imoBenchFile('proofbench_v2.csv');

const cp = (id: string, points: number, group?: string) => ({
  id,
  points,
  description: `step ${id}`,
  ...(group ? { group } : {}),
});
const extras = {
  zeroCredit: ['only the answer'],
  deductions: [{ description: 'arithmetic slip', points: 1 }],
  caps: [{ condition: 'special case only', maxScore: 2 }],
};
const GOOD = { checkpoints: [cp('a', 2), cp('b', 2), cp('c', 2), cp('d', 1)], ...extras };

describe('rubric validation', () => {
  it.each([
    ['a valid single-approach scheme', GOOD, []],
    [
      'two alternative approaches that each complete 7',
      { ...GOOD, checkpoints: [cp('s', 1), cp('a1', 3, 'A'), cp('a2', 3, 'A'), cp('b1', 6, 'B')] },
      [],
    ],
    [
      'points not reaching 7',
      { ...GOOD, checkpoints: [cp('a', 1), cp('b', 1), cp('c', 1), cp('d', 1)] },
      ['exactly 7 points; this scheme allows at most 4'],
    ],
    ['too few checkpoints', { ...GOOD, checkpoints: [cp('a', 4), cp('b', 3)] }, ['at least 4 checkpoints']],
    [
      'a lone group',
      { ...GOOD, checkpoints: [cp('a', 2, 'A'), cp('b', 2), cp('c', 2), cp('d', 1)] },
      ['single group'],
    ],
    [
      'an incomplete approach',
      { ...GOOD, checkpoints: [cp('s', 1), cp('a1', 6, 'A'), cp('b1', 2, 'B'), cp('b2', 2, 'B')] },
      ['approach "B" totals 5'],
    ],
    [
      'duplicate ids',
      { ...GOOD, checkpoints: [cp('a', 2), cp('a', 2), cp('c', 2), cp('d', 1)] },
      ['repeated: a'],
    ],
    [
      'no deductions, caps or zero-credit',
      { checkpoints: GOOD.checkpoints },
      ['zeroCredit', 'deduction', 'cap'],
    ],
    ['a cap of 7', { ...GOOD, caps: [{ condition: 'x', maxScore: 7 }] }, ['below 7']],
    ['schema errors', { checkpoints: [{ id: 'a', points: 'two' }] }, ['checkpoints.0']],
  ])('%s', (_name, value, expected) => {
    const r = validateRubric(value, 'p1');
    if (expected.length === 0) {
      expect(r).toMatchObject({ ok: true });
      if (r.ok) expect(rubricMaxPoints(r.rubric)).toBe(7);
    } else {
      expect(r.ok).toBe(false);
      const text = r.ok ? '' : r.errors.join('\n');
      for (const e of expected) expect(text).toContain(e);
    }
  });

  it('extracts JSON from fenced or chatty replies', () => {
    expect(extractJsonObject('Here it is:\n```json\n{"a": 1}\n```\nthanks')).toEqual({ a: 1 });
    expect(extractJsonObject('sure {"a": {"b": 2}} done')).toEqual({ a: { b: 2 } });
    expect(() => extractJsonObject('no json')).toThrow(/no JSON object/);
  });
});

describe('rubric generation', () => {
  const problems = [
    { id: 'p1', statement: 'Prove that 1 + 1 = 2.', referenceSolution: 'By definition.' },
    { id: 'p2', statement: 'Prove that there are infinitely many primes.', referenceSolution: 'Euclid.' },
  ];

  it('re-asks with the validation errors, records failures and resumes', async () => {
    // p1: invalid first (sums to 6), valid after the errors come back; p2: never valid.
    const respond = ({ request }: MockProviderCall) => {
      const first = request.messages[0].content;
      if (first.includes('infinitely many primes')) return 'I cannot do that.';
      const reasked = request.messages.length > 1;
      if (reasked)
        expect(request.messages.at(-1)?.content).toContain('exactly 7 points; this scheme allows at most 6');
      const checkpoints = reasked ? GOOD.checkpoints : GOOD.checkpoints.slice(0, 3).concat([cp('x', 0)]);
      return `\`\`\`json\n${JSON.stringify({ ...extras, checkpoints })}\n\`\`\``;
    };
    const provider = createMockProvider({ respond });
    const dir = mkdtempSync(join(tmpdir(), 'qed-rubrics-'));
    const template = loadRubricTemplate();
    const opts = {
      problems,
      dir,
      provider,
      model: 'mock',
      template: template.text,
      templateHash: template.hash,
      maxAttempts: 3,
    };
    const summary = await runRubrics(opts);
    expect(summary).toMatchObject({ problems: 2, ok: 1, failed: 1 });
    const records = readRecords<RubricRecord>(join(dir, RUBRICS_FILE));
    const p1 = records.find((r) => r.problemId === 'p1')!;
    const p2 = records.find((r) => r.problemId === 'p2')!;
    expect(p1).toMatchObject({ ok: true, attempts: 2 });
    expect(p2).toMatchObject({ ok: false, attempts: 3, errors: ['the reply contains no JSON object'] });
    expect(provider.calls[0].prompt).toContain('By definition.');
    const withRubrics = readRecords<{ id: string; rubric?: unknown }>(join(dir, PROBLEMS_FILE));
    expect(withRubrics.map((p) => Boolean(p.rubric))).toEqual([true, false]);
    const calls = provider.calls.length;
    expect((await runRubrics(opts)).resumedFrom).toBe(2);
    expect(provider.calls.length).toBe(calls);
  });
});

describe('IMO-ProofBench import', () => {
  it('parses the sections of a grading guideline', async () => {
    const s = parseProofBenchGuidelines(
      '(Partial)\n 1. Guessed the answer\n 2. Proved the lemma\n(Almost)\n 1. Minor slip\n(Incorrect)\n 1. Only small cases',
    );
    expect(s).toEqual({
      partial: ['Guessed the answer', 'Proved the lemma'],
      almost: ['Minor slip'],
      incorrect: ['Only small cases'],
    });
  });

  it.skipIf(!PB)('maps every benchmark scheme to a valid 7-point rubric', async () => {
    const problems = await loadProblems(PB!);
    for (const p of problems) {
      const rubric = rubricFromProofBench(p);
      expect(rubricMaxPoints(rubric)).toBe(7);
      expect(validateRubric(rubric, p.id, { groupsComplete: false })).toMatchObject({ ok: true });
      expect(rubric.checkpoints.filter((c) => c.id.startsWith('partial')).every((c) => c.points === 1)).toBe(
        true,
      );
    }
    const pb7 = rubricFromProofBench(problems.find((p) => p.id === 'PB-Basic-007')!);
    expect(pb7.zeroCredit.length).toBeGreaterThan(0);
  });
});
