// Rubric: a structured marking scheme worth 7 points. Checkpoints sharing a `group` are alternative
// solution paths: credit is the maximum over groups, never the sum. Ungrouped checkpoints always count.
import { z } from 'zod';

export const CheckpointSchema = z.object({
  id: z.string().min(1),
  points: z.number().int().min(0).max(7),
  description: z.string().min(1),
  group: z.string().optional(),
});

export const RubricSchema = z.object({
  problemId: z.string().min(1),
  total: z.literal(7),
  checkpoints: z.array(CheckpointSchema).min(1),
  zeroCredit: z.array(z.string()).default([]),
  deductions: z
    .array(z.object({ description: z.string().min(1), points: z.number().int().min(1).max(7) }))
    .default([]),
  caps: z
    .array(z.object({ condition: z.string().min(1), maxScore: z.number().int().min(0).max(7) }))
    .default([]),
});
export type Rubric = z.infer<typeof RubricSchema>;
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** Maximum attainable points: ungrouped checkpoints plus the best group. */
export function rubricMaxPoints(rubric: Rubric): number {
  const byGroup = new Map<string, number>();
  let ungrouped = 0;
  for (const c of rubric.checkpoints) {
    if (c.group === undefined) ungrouped += c.points;
    else byGroup.set(c.group, (byGroup.get(c.group) ?? 0) + c.points);
  }
  return ungrouped + Math.max(0, ...byGroup.values());
}
