// The record `qed distill` writes per teacher sample (distill.jsonl, one line each, keyed by
// problemId#sampleIndex): chat messages ready for SFT, the teacher's raw output and usage, the judge's
// grade, and whether the filters kept it (with the reason when not).
import { z } from 'zod';
import { GradeSchema } from '../core/grade.ts';
import { UsageSchema } from '../core/usage.ts';

export const DistillRecordSchema = z.object({
  id: z.string().min(1),
  problemId: z.string().min(1),
  sampleIndex: z.number().int().nonnegative(),
  statement: z.string().describe('the problem statement, so records dedup/decontaminate on their own'),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  proof: z.string(),
  reasoning: z.string().optional(),
  finishReason: z.string(),
  truncated: z.boolean(),
  teacher: z.object({
    model: z.string(),
    promptTemplate: z.string(),
    promptHash: z.string(),
    seed: z.number(),
  }),
  usage: UsageSchema,
  grade: GradeSchema.nullable().describe('null when distilling without a grader'),
  kept: z.boolean(),
  dropReason: z.string().optional(),
});
export type DistillRecord = z.infer<typeof DistillRecordSchema>;

export const distillKey = (r: { problemId: string; sampleIndex: number }): string =>
  `${r.problemId}#${r.sampleIndex}`;

export interface DistillFilters {
  /** Keep only samples graded at least this (0–7); ungraded or failed gradings are then dropped. */
  minScore?: number;
  /** Drop samples whose completion used more tokens than this. */
  maxCompletionTokens?: number;
  /** Drop samples the teacher stopped at its token limit (finish_reason "length"). */
  dropTruncated?: boolean;
}

/** Why a sample is dropped, or undefined when the filters keep it. */
export function dropReasonOf(
  r: Pick<DistillRecord, 'grade' | 'truncated' | 'usage'>,
  f: DistillFilters,
): string | undefined {
  if (f.dropTruncated && r.truncated) return 'truncated';
  if (f.maxCompletionTokens !== undefined && r.usage.completionTokens > f.maxCompletionTokens) {
    return `completion ${r.usage.completionTokens} tokens > ${f.maxCompletionTokens}`;
  }
  if (f.minScore !== undefined) {
    if (!r.grade) return 'ungraded';
    if (r.grade.score === null) return `grading failed: ${r.grade.graderError ?? 'no score'}`;
    if (r.grade.score < f.minScore) return `score ${r.grade.score} < ${f.minScore}`;
  }
  return undefined;
}
