// Problem: one proof (or short-answer) task, as loaded from any dataset format.
import { z } from 'zod';
import { RubricSchema } from './rubric.ts';

export const ProblemSchema = z.object({
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
export type Problem = z.infer<typeof ProblemSchema>;
