// Grade: a grader's verdict on one attempt. `score: null` with `graderError` is a failed grading:
// it is retried or reported, never averaged as 0.
import { z } from 'zod';
import { UsageSchema } from './usage.ts';

export const GraderInfoSchema = z.object({
  kind: z.string().min(1).describe('llm-judge, programmatic, ensemble, answer-checker …'),
  scheme: z.string().optional().describe('rubric | proofbench | answer …'),
  model: z.string().optional(),
  templateId: z.string().optional(),
  templateHash: z.string().optional(),
  proofPreparation: z
    .string()
    .optional()
    .describe(
      'how the proof was prepared for the judge, e.g. missing-think=keep;strip-self-assessment;fence',
    ),
});

export const GradeSchema = z.object({
  attemptId: z.string().min(1),
  problemId: z.string().min(1),
  sampleIndex: z.number().int().nonnegative(),
  score: z.number().min(0).max(7).nullable(),
  graderError: z.string().optional(),
  assessment: z.string().default(''),
  errors: z.array(z.string()).default([]),
  grader: GraderInfoSchema,
  samples: z.array(z.number().min(0).max(7).nullable()).optional().describe('ensemble member scores'),
  spread: z.number().nonnegative().optional().describe('ensemble standard deviation'),
  usage: UsageSchema,
});
export type Grade = z.infer<typeof GradeSchema>;
export type GraderInfo = z.infer<typeof GraderInfoSchema>;

/** Reward for RL: score/7, or null when grading failed. */
export function rewardOf(grade: Pick<Grade, 'score'>): number | null {
  return grade.score === null ? null : grade.score / 7;
}
