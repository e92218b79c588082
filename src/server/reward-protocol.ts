// The reward server's wire format: request bodies validated with zod at the edge (`/score` takes one
// {problem, proof}, `/score/batch` takes {items: [...]}) and the result object returned per item.
// `problem` is a dataset id (resolved against the server's --dataset) or a full Problem object.
import { z } from 'zod';
import { ProblemSchema } from '../core/problem.ts';

/** An inline problem needs a statement; the id defaults to "inline". */
export const InlineProblemSchema = ProblemSchema.extend({ id: z.string().min(1).default('inline') });

export const ScoreItemSchema = z.object({
  problem: z.union([z.string().min(1), InlineProblemSchema]),
  proof: z.string(),
  /** Reward returned instead of null when grading fails (the failure is still reported). */
  default_reward: z.number().finite().optional(),
  /** Echoed back, for the caller's bookkeeping. */
  id: z.union([z.string(), z.number()]).optional(),
});
export type ScoreItem = z.infer<typeof ScoreItemSchema>;

export const ScoreBatchSchema = z.object({
  items: z.array(ScoreItemSchema),
  default_reward: z.number().finite().optional(),
});

export interface ScoreResult {
  id?: string | number;
  problemId: string;
  /** score/7, or null when grading failed (unless the caller asked for a default). */
  reward: number | null;
  score: number | null;
  graderError: string | null;
  /** True when `reward` is the caller's default_reward standing in for a failed grading. */
  defaulted: boolean;
  assessment: string;
  latencyMs: number;
}

/** First validation issue as `path: message`, e.g. `items.3.proof: expected string, received number`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join('.');
  return `${path || '(body)'}: ${issue.message}`;
}
