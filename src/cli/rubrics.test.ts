// `qed rubrics` offline: `--model mock` plays a rubric-writing model, so the whole pipeline (prompt,
// validation, records, problems with rubrics) runs without a server; `mock:fail` records every problem
// as a failure and the command exits with status 3.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('--resume refuses a change to the model, import, seed, sampling, prompt or dataset, by name', async () => {
    const out = join(dir, 'settings');
    const first = await runQed([
      'rubrics',
      dataset,
      '--model',
      'mock',
      '--seed',
      '1',
      '--out',
      out,
      '--quiet',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const records = readFileSync(join(out, 'rubrics.jsonl'), 'utf8');
    const otherDataset = join(dir, 'problems-copy.jsonl');
    copyFileSync(dataset, otherDataset);
    const prompt = join(dir, 'prompt.md');
    writeFileSync(prompt, 'Write a scheme for {{problem}} given {{solution}}.');
    const cases: [string[], string][] = [
      [[dataset, '--import', 'proofbench'], 'model was "mock", now unset'],
      [[dataset, '--model', 'mock:fail', '--seed', '1'], 'model was "mock", now "mock:fail"'],
      [[dataset, '--model', 'mock', '--seed', '2'], 'seed was 1, now 2'],
      [[dataset, '--model', 'mock', '--seed', '1', '--temperature', '0.5'], 'temperature was unset, now 0.5'],
      [[dataset, '--model', 'mock', '--seed', '1', '--prompt', prompt], 'prompt was "'],
      [[otherDataset, '--model', 'mock', '--seed', '1'], `dataset was ${JSON.stringify(dataset)}`],
    ];
    for (const [args, message] of cases) {
      const r = await runQed(['rubrics', ...args, '--out', out, '--resume', '--quiet']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`cannot resume ${out}: ${message}`);
      expect(readFileSync(join(out, 'rubrics.jsonl'), 'utf8')).toBe(records);
    }
    const same = await runQed([
      'rubrics',
      dataset,
      '--model',
      'mock',
      '--seed',
      '1',
      '--out',
      out,
      '--resume',
    ]);
    expect(same.code, same.stderr).toBe(0);
  });

  it('--resume --retry-failed redoes the failed problems without duplicating records', async () => {
    const out = join(dir, 'retry');
    const args = ['rubrics', dataset, '--model', 'mock', '--out', out, '--quiet'];
    expect((await runQed(args)).code).toBe(0);
    // p0's rubric recorded as a failure
    const file = join(out, 'rubrics.jsonl');
    writeFileSync(
      file,
      lines(file)
        .map((x) =>
          JSON.stringify(x.problemId === 'p0' ? { ...x, ok: false, rubric: undefined, errors: ['x'] } : x),
        )
        .join('\n') + '\n',
    );
    const plain = await runQed([...args, '--resume']);
    expect(plain.code).toBe(3);
    expect(plain.stdout).toMatch(/^1\/2 rubrics valid, 1 failed/);
    const retried = await runQed([...args, '--resume', '--retry-failed']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(/^2\/2 rubrics valid, 0 failed/);
    const records = lines(file);
    expect(records.map((x) => x.problemId).sort()).toEqual(['p0', 'p1']);
    expect(records.every((x) => x.ok)).toBe(true);
    const problems = readFileSync(join(out, 'problems.jsonl'), 'utf8').trim().split('\n');
    expect(problems.every((l) => (JSON.parse(l) as { rubric?: unknown }).rubric)).toBe(true);
  });
});
