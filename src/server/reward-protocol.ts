// The reward server's wire format: request bodies validated with zod at the edge (`/score` takes one
// {problem, proof}, `/score/batch` takes {items: [...]}) and the result object returned per item.
// `problem` is a dataset id (resolved against the server's --dataset) or a full Problem object.
import { z } from 'zod';
import { ProblemFieldsSchema, checkProblemRubric } from '../core/problem.ts';

/** An inline problem needs a statement; the id defaults to "inline". */
export const InlineProblemSchema = ProblemFieldsSchema.extend({
  id: z.string().min(1).default('inline'),
}).superRefine(checkProblemRubric);

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

/**
 * First validation issue as `path: message`, e.g. `items.3.proof: expected string, received number` or
 * `problem.statement: missing (required)`. A failed union (`problem` is an id or a Problem object) is
 * reported through the one alternative whose type the value has, so the nested field is named rather
 * than the union's bare "Invalid input".
 */
export function describeIssue(error: z.ZodError): string {
  const { path, message } = resolveIssue(error.issues[0], []);
  return `${path.map(String).join('.') || '(body)'}: ${message}`;
}

function resolveIssue(
  issue: z.core.$ZodIssue,
  prefix: PropertyKey[],
): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length) {
    // An alternative that failed only on the value's own type (at its root) is not the one meant.
    const wrongType = (branch: z.core.$ZodIssue[]) =>
      branch.length > 0 && branch.every((i) => i.code === 'invalid_type' && i.path.length === 0);
    const meant = issue.errors.filter((branch) => branch.length > 0 && !wrongType(branch));
    if (meant.length === 1) return resolveIssue(meant[0][0], path);
    if (meant.length === 0) {
      const expected = [
        ...new Set(issue.errors.flat().map((i) => (i.code === 'invalid_type' ? i.expected : undefined))),
      ].filter(Boolean);
      const received = /received (\S+)$/.exec(issue.errors[0][0]?.message ?? '')?.[1];
      if (expected.length)
        return {
          path,
          message: `Invalid input: expected ${expected.join(' or ')}${received ? `, received ${received}` : ''}`,
        };
    }
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message))
    return { path, message: 'missing (required)' };
  return { path, message: issue.message };
}
