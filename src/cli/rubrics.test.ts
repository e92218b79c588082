// `qed rubrics` offline: `--model mock` plays a rubric-writing model, so the whole pipeline (prompt,
// validation, records, problems with rubrics) runs without a server; `mock:fail` records every problem
// as a failure and the command exits with status 3.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rubricMaxPoints, type Rubric } from '../core/rubric.ts';
import { createMockJudgeOrProver } from '../grading/mock-judge.ts';
import { validateRubric } from '../data/rubric-gen-validate.ts';
import { runQed } from './qed-process.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-rubrics-cli-'));
const dataset = join(dir, 'problems.jsonl');
writeFileSync(
  dataset,
  ['Prove that 2 divides n*n+n.', 'Show that the sum of two odd numbers is even.']
    .map((statement, i) => JSON.stringify({ id: `p${i}`, statement, referenceSolution: 'By cases.' }))
    .join('\n'),
);
const lines = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { problemId: string; ok: boolean; rubric?: Rubric; errors?: string[] });

describe('qed rubrics with mock models', () => {
  it('--model mock writes a valid 7-point scheme per problem', async () => {
    const out = join(dir, 'ok');
    const r = await runQed(['rubrics', dataset, '--model', 'mock', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^2\/2 rubrics valid, 0 failed/);
    const records = lines(join(out, 'rubrics.jsonl'));
    expect(records.map((x) => x.problemId).sort()).toEqual(['p0', 'p1']);
    for (const x of records) {
      expect(x.ok).toBe(true);
      expect(rubricMaxPoints(x.rubric!)).toBe(7);
    }
  });

  it('--model mock:fail records every problem as a failure and exits with status 3', async () => {
    const out = join(dir, 'fail');
    const r = await runQed(['rubrics', dataset, '--model', 'mock:fail', '--out', out, '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^0\/2 rubrics valid, 2 failed/);
    for (const x of lines(join(out, 'rubrics.jsonl')))
      expect(x).toMatchObject({ ok: false, errors: ['provider: mock:fail always fails'] });
  });

  it('the mock server answers the rubric-writing prompt with a scheme that validates', () => {
    const template = readFileSync(new URL('../../prompts/rubrics/rubric-gen-v1.md', import.meta.url), 'utf8');
    const prompt = template.replace('{{problem}}', 'Prove that 3 divides n*n*n-n.');
    const reply = createMockJudgeOrProver()({ prompt, index: 2 });
    const check = validateRubric(JSON.parse(reply), 'p');
    expect(check.ok, JSON.stringify(check)).toBe(true);
    expect(reply).toContain('Prove that 3 divides n*n*n-n.');
  });
});
