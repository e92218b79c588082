// SFT record loading: errors that name file, line and field; both record shapes; and the sft.jsonl a
// real `runDistill` writes (mock teacher, toy grader, one failed grading) loads and filters by grade.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../core/record-log.ts';
import { deriveSeed } from '../core/rng.ts';
import { DISTILL_FILE, runDistill, SFT_FILE } from '../data/distill.ts';
import type { DistillFilters, DistillRecord } from '../data/distill-record.ts';
import { loadPromptTemplate } from '../generate/prompt.ts';
import type { Grader } from '../grading/types.ts';
import { createMockProvider } from '../providers/mock-provider.ts';
import { createToyGrader, generateProblem } from '../toy/index.ts';
import { sftExamples, trainRecipeTokenizer } from './recipe-data.ts';
import { loadSftPairs } from './sft-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-sft-data-'));
let n = 0;
function jsonl(...lines: string[]): string {
  const path = join(dir, `f${n++}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
const good = '{"prompt":"Prove A.","proof":"A holds."}';
const chat = (extra = '') =>
  `{"messages":[{"role":"user","content":"Prove C."},{"role":"assistant","content":"C holds."}]${extra}}`;

describe('loadSftPairs errors', () => {
  it.each([
    ['{"prompt":"Prove B."}', 'field "proof": missing (required)'],
    ['{"prompt":"Prove B.","proof":42}', 'field "proof": Invalid input: expected string, received number'],
    ['{"proof":"B holds."}', 'field "prompt": missing (required)'],
    ['{"prompt":"Prove B.","proof":"x","grade":"seven"}', 'field "grade": expected a number 0–7 or a grade'],
    ['{"prompt":"Prove B.","proof":"x","grade":9}', 'field "grade": Too big'],
    [
      '{"prompt":"Prove B.","proof":"x","grade":{"assessment":""}}',
      'field "grade.score": missing (required)',
    ],
    ['{"prompt":"Prove B.","proof":"x","grade":{"score":"7"}}', 'field "grade.score": Invalid input'],
    [
      '{"messages":[{"role":"user","content":"Q"},{"role":"assistant"}]}',
      'field "messages.1.content": missing (required)',
    ],
    [
      '{"messages":[{"role":"assistant","content":"A"},{"role":"user","content":"Q"}]}',
      'field "messages": messages must end with a user turn and an assistant turn',
    ],
    [chat(',"grade":true'), 'field "grade": expected a number 0–7 or a grade object'],
  ])('%s', async (bad, expected) => {
    const path = jsonl(good, bad);
    await expect(loadSftPairs(path)).rejects.toThrow(`${path}:line 2, ${expected}`);
  });

  it('names the line of a non-object record', async () => {
    const path = jsonl(good, '42');
    await expect(loadSftPairs(path)).rejects.toThrow(`${path}:line 2: Invalid input: expected object`);
  });
});

describe('loadSftPairs records', () => {
  it('reads prompt/proof and messages rows with numeric, object and null grades', async () => {
    const path = jsonl(
      '{"prompt":"Prove A.","proof":"A holds.","grade":6}',
      chat(),
      chat(',"grade":{"score":4,"assessment":"ok"}'),
      chat(',"grade":{"score":null,"graderError":"no <score>"}'),
      chat(',"grade":null'),
    );
    expect(await loadSftPairs(path)).toEqual([
      { prompt: 'Prove A.', proof: 'A holds.', grade: 6 },
      { prompt: 'Prove C.', proof: 'C holds.' },
      { prompt: 'Prove C.', proof: 'C holds.', grade: 4 },
      { prompt: 'Prove C.', proof: 'C holds.', grade: null },
      { prompt: 'Prove C.', proof: 'C holds.' },
    ]);
  });
});

describe('loadSftPairs on qed distill output', () => {
  const problems = [0, 1, 2].map((i) => generateProblem(deriveSeed(9, i), 'short', `toy-${i}`));
  const template = loadPromptTemplate();
  /** Toy grades, except toy-2, whose grading fails (score null) as a judge without a <score> would. */
  const toy = createToyGrader();
  const grader: Grader = {
    info: toy.info,
    grade: async (input) => {
      const g = await toy.grade(input);
      return input.problem.id === 'toy-2' ? { ...g, score: null, graderError: 'no <score>' } : g;
    },
  };

  async function distill(filters: DistillFilters): Promise<string> {
    const out = mkdtempSync(join(tmpdir(), 'qed-sft-distill-'));
    // Teacher: the reference proof for toy-0, a bare claim for toy-1, with reasoning on the side.
    const provider = createMockProvider({
      respond: ({ prompt }) => {
        const p = problems.find((q) => prompt.includes(q.statement))!;
        return {
          text: p.id === 'toy-1' ? 'It is clear.' : (p.referenceSolution ?? ''),
          reasoning: 'Check each step.',
        };
      },
    });
    await runDistill({
      problems,
      provider,
      teacherModel: 'mock',
      grader,
      dir: out,
      samples: 1,
      template,
      filters,
    });
    return out;
  }

  it('loads sft.jsonl as written, with the grade score, and --min-grade drops low and failed gradings', async () => {
    const out = await distill({});
    const records = readRecords<DistillRecord>(join(out, SFT_FILE));
    expect(records.map((r) => r.problemId).sort()).toEqual(['toy-0', 'toy-1', 'toy-2']);
    const pairs = await loadSftPairs(join(out, SFT_FILE));
    expect(pairs).toHaveLength(3);
    const byId = new Map(records.map((r, i) => [r.problemId, { record: r, pair: pairs[i] }]));
    for (const { record, pair } of byId.values()) {
      expect(pair.prompt).toBe(record.messages[0].content);
      expect(pair.proof).toBe(record.messages[1].content);
      expect(pair.proof).toMatch(/^<think>\nCheck each step.\n<\/think>\n\n/);
    }
    expect(byId.get('toy-0')!.record.grade?.score).toBe(7);
    expect(byId.get('toy-0')!.pair.grade).toBe(7);
    const low = byId.get('toy-1')!;
    expect(low.pair.grade).toBe(low.record.grade?.score ?? 0);
    expect(low.pair.grade).toBeLessThan(7);
    expect(byId.get('toy-2')!.record.grade?.score).toBeNull();
    expect(byId.get('toy-2')!.pair.grade).toBeNull();

    const tokenizer = trainRecipeTokenizer('', pairs, 300);
    const count = (minGrade?: number) => sftExamples(tokenizer, pairs, 4096, { minGrade }).length;
    expect(count()).toBe(3);
    expect(count(7)).toBe(1);
    expect(count(0)).toBe(2); // a failed grading is not a 0: any filter drops it
  });

  it('loads sft.jsonl of an ungraded distill, and refuses the dropped samples in distill.jsonl', async () => {
    const out = await distill({ minScore: 7 });
    const kept = await loadSftPairs(join(out, SFT_FILE));
    expect(kept).toEqual([expect.objectContaining({ grade: 7 })]);
    const all = readRecords<DistillRecord>(join(out, DISTILL_FILE));
    const firstDropped = all.findIndex((r) => !r.kept);
    expect(firstDropped).toBeGreaterThanOrEqual(0);
    await expect(loadSftPairs(join(out, DISTILL_FILE))).rejects.toThrow(
      new RegExp(`line ${firstDropped + 1}, field "kept": false: distill dropped this sample \\(`),
    );

    const ungraded = mkdtempSync(join(tmpdir(), 'qed-sft-distill-'));
    await runDistill({
      problems,
      provider: createMockProvider(),
      teacherModel: 'mock',
      dir: ungraded,
      samples: 1,
      template,
    });
    const pairs = await loadSftPairs(join(ungraded, SFT_FILE));
    expect(pairs).toHaveLength(3);
    for (const p of pairs) expect(p).not.toHaveProperty('grade');
  });
});
