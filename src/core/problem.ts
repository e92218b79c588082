// Problem: one proof (or short-answer) task, as loaded from any dataset format. A structured rubric
// must be usable as given (7 points attainable, unique checkpoint ids, this problem's id).
import { z } from 'zod';
import { RubricSchema, rubricMaxPoints } from './rubric.ts';

/** The fields of a Problem, without the rubric check (for schemas that extend it). */
export const ProblemFieldsSchema = z.object({
  id: z.string().min(1),
  statement: z.string().min(1),
  referenceSolution: z.string().optional(),
  gradingGuidelines: z.string().optional().describe('free-text marking scheme, e.g. IMO-ProofBench'),
  rubric: RubricSchema.optional().describe('structured marking scheme'),
  shortAnswer: z.string().optional().describe('final answer for answer benchmarks'),
  source: z.string().optional(),
  category: z.string().optional(),
  subcategory: z.string().optional(),
  difficulty: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional().describe('extra dataset columns kept as-is'),
});

/** A grader reads a rubric's points as out of 7: the scheme must reach exactly 7, once per id. */
export function checkProblemRubric(p: z.infer<typeof ProblemFieldsSchema>, ctx: z.RefinementCtx): void {
  if (!p.rubric) return;
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['rubric', path], message });
  const ids = p.rubric.checkpoints.map((c) => c.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) issue('checkpoints', `checkpoint id "${repeated}" is repeated`);
  const max = rubricMaxPoints(p.rubric);
  if (max !== 7)
    issue(
      'checkpoints',
      `a complete solution earns ${max} points, not 7 (ungrouped checkpoints plus the best group)`,
    );
  if (p.rubric.problemId !== p.id)
    issue('problemId', `"${p.rubric.problemId}" is not this problem's id "${p.id}"`);
}

export const ProblemSchema = ProblemFieldsSchema.superRefine(checkProblemRubric);
export type Problem = z.infer<typeof ProblemSchema>;
