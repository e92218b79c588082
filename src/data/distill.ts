// `qed distill` as a library call: for each problem, N teacher proofs through a Provider, each graded by
// a Grader (optional), filtered, and appended the moment it is finished to DIR/distill.jsonl (RecordLog:
// a crash loses at most the samples in flight; a rerun with resume skips finished ones, never
// duplicating them). Generation failures go to DIR/failures.jsonl and are retried on resume. At the end
// DIR/sft.jsonl holds the kept samples and DIR/summary.json the counts and the cost report.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attempt } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import { RecordLog } from '../core/record-log.ts';
import { deriveSeed } from '../core/rng.ts';
import { addUsage, emptyUsage } from '../core/usage.ts';
import type { Usage } from '../core/usage.ts';
import type { PromptTemplate } from '../generate/prompt.ts';
import { renderPrompt } from '../generate/prompt.ts';
import type { Grader } from '../grading/types.ts';
import type { Provider } from '../providers/types.ts';
import { distillKey, dropReasonOf } from './distill-record.ts';
import type { DistillFilters, DistillRecord } from './distill-record.ts';

export const DISTILL_FILE = 'distill.jsonl';
export const SFT_FILE = 'sft.jsonl';
export const FAILURES_FILE = 'failures.jsonl';
export const SUMMARY_FILE = 'summary.json';

export interface DistillOptions {
  problems: Problem[];
  provider: Provider;
  /** Teacher model name recorded with each sample (and sent as the request's model). */
  teacherModel: string;
  grader?: Grader;
  dir: string;
  samples: number;
  template: PromptTemplate;
  temperature?: number;
  maxTokens?: number;
  /** Samples generated and graded at once (default 16). */
  concurrency?: number;
  seed?: number;
  filters?: DistillFilters;
  /** Put the teacher's reasoning in the assistant message as <think>…</think> (default true). */
  includeReasoning?: boolean;
  /** Extra request body fields (reasoning_effort, top_k …). */
  extra?: Record<string, unknown>;
  onRecord?: (r: DistillRecord, done: number, total: number) => void;
  onFailure?: (problemId: string, sampleIndex: number, error: string) => void;
}

export interface DistillSummary {
  problems: number;
  samplesPerProblem: number;
  total: number;
  done: number;
  resumedFrom: number;
  kept: number;
  dropped: Record<string, number>;
  generationFailures: number;
  graderFailures: number;
  meanScore: number | null;
  teacherUsage: Usage;
  judgeUsage: Usage;
  totalCost: number;
  seconds: number;
}

export async function runDistill(o: DistillOptions): Promise<DistillSummary> {
  const started = performance.now();
  const log = new RecordLog<DistillRecord>({ path: join(o.dir, DISTILL_FILE), key: distillKey });
  const resumedFrom = log.size;
  const total = o.problems.length * o.samples;
  const seed = o.seed ?? 0;
  const tasks: Array<[Problem, number]> = [];
  for (const p of o.problems) {
    for (let s = 0; s < o.samples; s++)
      if (!log.has(distillKey({ problemId: p.id, sampleIndex: s }))) tasks.push([p, s]);
  }
  let generationFailures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const [problem, sampleIndex] = tasks[next++];
      const record = await distillOne(o, problem, sampleIndex, deriveSeed(seed, problem.id, sampleIndex));
      if (typeof record === 'string') {
        generationFailures++;
        appendFileSync(
          join(o.dir, FAILURES_FILE),
          `${JSON.stringify({ problemId: problem.id, sampleIndex, error: record, at: new Date().toISOString() })}\n`,
        );
        o.onFailure?.(problem.id, sampleIndex, record);
        continue;
      }
      log.append(record);
      o.onRecord?.(record, log.size, total);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 16) }, worker));
  } finally {
    log.close();
  }
  const records = log.readAll();
  writeFileSync(
    join(o.dir, SFT_FILE),
    records
      .filter((r) => r.kept)
      .map((r) => `${JSON.stringify(r)}\n`)
      .join(''),
  );
  const summary = summarize(
    records,
    o,
    resumedFrom,
    generationFailures,
    (performance.now() - started) / 1000,
  );
  writeFileSync(join(o.dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** One sample: generate, grade, filter. A generation failure is returned as its error text. */
async function distillOne(
  o: DistillOptions,
  problem: Problem,
  sampleIndex: number,
  seed: number,
): Promise<DistillRecord | string> {
  const prompt = renderPrompt(o.template, problem.statement);
  const reply = await o.provider.generate({
    messages: [{ role: 'user', content: prompt }],
    model: o.teacherModel,
    temperature: o.temperature,
    maxTokens: o.maxTokens,
    seed,
    extra: o.extra,
  });
  if (!reply.ok) return `${reply.code ? `${reply.code}: ` : ''}${reply.error}`;
  const truncated = reply.finishReason === 'length';
  const attempt: Attempt = {
    problemId: problem.id,
    sampleIndex,
    model: o.teacherModel,
    scaffold: 'pure',
    turns: [
      {
        role: 'answer',
        content: reply.text,
        reasoning: reply.reasoning,
        model: reply.model,
        finishReason: reply.finishReason,
        usage: reply.usage,
      },
    ],
    finalProof: reply.text,
    usage: reply.usage,
    cost: reply.usage.cost,
  };
  const grade = o.grader ? await o.grader.grade({ problem, attempt }) : null;
  const assistant =
    o.includeReasoning !== false && reply.reasoning
      ? `<think>\n${reply.reasoning}\n</think>\n\n${reply.text}`
      : reply.text;
  const base = {
    id: distillKey({ problemId: problem.id, sampleIndex }),
    problemId: problem.id,
    sampleIndex,
    statement: problem.statement,
    messages: [
      { role: 'user' as const, content: prompt },
      { role: 'assistant' as const, content: assistant },
    ],
    proof: reply.text,
    ...(reply.reasoning !== undefined ? { reasoning: reply.reasoning } : {}),
    finishReason: reply.finishReason,
    truncated,
    teacher: { model: o.teacherModel, promptTemplate: o.template.id, promptHash: o.template.hash, seed },
    usage: reply.usage,
    grade,
  };
  const dropReason = dropReasonOf(base, o.filters ?? {});
  return { ...base, kept: dropReason === undefined, ...(dropReason ? { dropReason } : {}) };
}

function summarize(
  records: DistillRecord[],
  o: DistillOptions,
  resumedFrom: number,
  generationFailures: number,
  seconds: number,
): DistillSummary {
  const dropped: Record<string, number> = {};
  let teacherUsage = emptyUsage();
  let judgeUsage = emptyUsage();
  let graded = 0;
  let scoreSum = 0;
  let graderFailures = 0;
  for (const r of records) {
    teacherUsage = addUsage(teacherUsage, r.usage);
    if (r.grade) {
      judgeUsage = addUsage(judgeUsage, r.grade.usage);
      if (r.grade.score === null) graderFailures++;
      else {
        graded++;
        scoreSum += r.grade.score;
      }
    }
    if (!r.kept) {
      const kind = (r.dropReason ?? 'dropped').split(/[ :]/)[0];
      dropped[kind] = (dropped[kind] ?? 0) + 1;
    }
  }
  return {
    problems: o.problems.length,
    samplesPerProblem: o.samples,
    total: o.problems.length * o.samples,
    done: records.length,
    resumedFrom,
    kept: records.filter((r) => r.kept).length,
    dropped,
    generationFailures,
    graderFailures,
    meanScore: graded ? scoreSum / graded : null,
    teacherUsage,
    judgeUsage,
    totalCost: teacherUsage.cost + judgeUsage.cost,
    seconds,
  };
}

export function formatDistillSummary(s: DistillSummary): string {
  return [
    `${s.done}/${s.total} samples (${s.problems} problems × ${s.samplesPerProblem})${s.resumedFrom ? `, ${s.resumedFrom} from an earlier run` : ''}; kept ${s.kept}`,
    Object.keys(s.dropped).length
      ? `dropped: ${Object.entries(s.dropped)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`
      : 'dropped: none',
    `generation failures ${s.generationFailures} (retried on --resume), grader failures ${s.graderFailures}, mean score ${s.meanScore === null ? '–' : s.meanScore.toFixed(2)}/7`,
    `teacher: ${s.teacherUsage.calls} calls, ${s.teacherUsage.promptTokens.toLocaleString('en')} prompt + ${s.teacherUsage.completionTokens.toLocaleString('en')} completion tokens, $${s.teacherUsage.cost.toFixed(4)}`,
    `judge:   ${s.judgeUsage.calls} calls, ${s.judgeUsage.promptTokens.toLocaleString('en')} prompt + ${s.judgeUsage.completionTokens.toLocaleString('en')} completion tokens, $${s.judgeUsage.cost.toFixed(4)}`,
    `total cost $${s.totalCost.toFixed(4)} in ${s.seconds.toFixed(1)} s`,
  ].join('\n');
}
