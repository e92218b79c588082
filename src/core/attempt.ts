// Attempt: one sampled solution to one problem, with every model call (turn) that produced it.
import { z } from 'zod';
import { UsageSchema } from './usage.ts';

export const TurnSchema = z.object({
  role: z.string().min(1).describe('e.g. reason, summarize, verify, refine, aggregate, answer'),
  content: z.string(),
  reasoning: z.string().optional().describe('reasoning_content or text before </think>'),
  model: z.string().optional(),
  finishReason: z.string().optional(),
  usage: UsageSchema,
});
export type Turn = z.infer<typeof TurnSchema>;

export const AttemptSchema = z.object({
  id: z.string().optional().describe('defaults to `${problemId}#${sampleIndex}`'),
  problemId: z.string().min(1),
  sampleIndex: z.number().int().nonnegative(),
  model: z.string().optional(),
  scaffold: z.string().default('pure'),
  turns: z.array(TurnSchema).default([]),
  finalProof: z.string(),
  error: z
    .string()
    .optional()
    .describe('set when generation failed; finalProof is then empty and must not be graded as an answer'),
  usage: UsageSchema,
  cost: z.number().nonnegative().default(0),
});
export type Attempt = z.infer<typeof AttemptSchema>;

export function attemptId(a: { id?: string; problemId: string; sampleIndex: number }): string {
  return a.id ?? `${a.problemId}#${a.sampleIndex}`;
}
