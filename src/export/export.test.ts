// Trainer exports: RL rows per layout carry the prompt and the whole problem, SFT input is detected from
// chat messages or problem+proof columns, and PipelineRL refuses SFT data. (Python tests in
// tests/interop read the same files with datasets and pyarrow.)
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParquet } from '../data/index.ts';
import { exportDataset } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-export-'));
const problems = join(dir, 'problems.jsonl');
writeFileSync(
  problems,
  [
    {
      id: 'p1',
      statement: 'Prove A.',
      referenceSolution: 'Because.',
      gradingGuidelines: '(Partial)\n 1. Lemma',
    },
    { id: 'p2', statement: 'Prove B.' },
  ]
    .map((r) => `${JSON.stringify(r)}\n`)
    .join(''),
);
const sft = join(dir, 'sft.jsonl');
writeFileSync(sft, `${JSON.stringify({ problem: 'Prove A.', proof: 'Done.', reasoning_content: 'hmm' })}\n`);
const lines = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('qed export', () => {
  it('writes TRL GRPO rows with a chat prompt and the problem as JSON', async () => {
    const m = await exportDataset({ format: 'trl', input: problems, out: join(dir, 'trl') });
    expect(m).toMatchObject({ kind: 'rl', rows: 2, files: ['train.jsonl'] });
    const [row] = lines(join(dir, 'trl', 'train.jsonl'));
    expect((row.prompt as Array<{ role: string; content: string }>)[0].content).toContain('Prove A.');
    expect(JSON.parse(row.problem_json as string)).toMatchObject({ id: 'p1', referenceSolution: 'Because.' });
  });

  it('keeps other splits in the same directory and replaces a data file only with force', async () => {
    const out = join(dir, 'trl-splits');
    await exportDataset({ format: 'trl', input: problems, out, split: 'train' });
    await exportDataset({ format: 'trl', input: problems, out, split: 'test' });
    writeFileSync(join(out, 'train.jsonl'), 'kept\n');
    await expect(exportDataset({ format: 'trl', input: problems, out, split: 'train' })).rejects.toThrow(
      `${join(out, 'train.jsonl')} already exists: pass --force to replace it`,
    );
    expect(readFileSync(join(out, 'train.jsonl'), 'utf8')).toBe('kept\n');
    await exportDataset({ format: 'trl', input: problems, out, split: 'train', force: true });
    expect(lines(join(out, 'train.jsonl'))).toHaveLength(2);
    expect(lines(join(out, 'test.jsonl'))).toHaveLength(2);
  });

  it('writes verl RL Parquet with reward_model.ground_truth and extra_info', async () => {
    await exportDataset({
      format: 'verl',
      input: problems,
      out: join(dir, 'verl'),
      name: 'bench',
      split: 'test',
    });
    const rows = await readParquet(join(dir, 'verl', 'test.parquet'));
    expect(rows[1]).toMatchObject({
      data_source: 'bench',
      ability: 'math-proof',
      reward_model: { style: 'model' },
      extra_info: { index: 1, split: 'test', problem_id: 'p2' },
    });
  });

  it('maps problems to PipelineRL task/answer/schema', async () => {
    await exportDataset({ format: 'pipelinerl', input: problems, out: join(dir, 'prl'), name: 'qed' });
    const rows = lines(join(dir, 'prl', 'qed.jsonl'));
    expect(rows[0]).toMatchObject({
      dataset: 'qed',
      task: 'Prove A.',
      answer: '',
      schema: '(Partial)\n 1. Lemma',
      id: 0,
    });
    await expect(exportDataset({ format: 'pipelinerl', input: sft, out: join(dir, 'prl2') })).rejects.toThrow(
      /PipelineRL trains RL only/,
    );
  });

  it('turns problem+proof records into SFT chats with the reasoning before </think>', async () => {
    const m = await exportDataset({ format: 'trl', input: sft, out: join(dir, 'sft') });
    expect(m.kind).toBe('sft');
    const [row] = lines(join(dir, 'sft', 'train.jsonl'));
    const messages = row.messages as Array<{ role: string; content: string }>;
    expect(messages.map((x) => x.role)).toEqual(['user', 'assistant']);
    expect(messages[1].content).toBe('<think>\nhmm\n</think>\n\nDone.');
  });
});
