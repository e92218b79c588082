// Validation of generated marking schemes: the Rubric zod schema first, then the rules a usable scheme
// follows (7 points attainable, ≥ 4 checkpoints, unique ids, alternative groups that each complete the
// 7 points, zero-credit items, deductions, caps). Errors are sentences that go back to the model.
import { RubricSchema, rubricMaxPoints } from '../core/rubric.ts';
import type { Rubric } from '../core/rubric.ts';

export type RubricCheck = { ok: true; rubric: Rubric } | { ok: false; errors: string[] };

export interface RubricRules {
  minCheckpoints?: number;
  requireDeductions?: boolean;
  requireCaps?: boolean;
  requireZeroCredit?: boolean;
  /** Every group plus the ungrouped checkpoints reaches 7 (off for imported 7/6/1/0 schemes). */
  groupsComplete?: boolean;
}

export const GENERATED_RULES: Required<RubricRules> = {
  minCheckpoints: 4,
  requireDeductions: true,
  requireCaps: true,
  requireZeroCredit: true,
  groupsComplete: true,
};

/** The first JSON object in a model reply (code fences and prose around it are ignored). */
export function extractJsonObject(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = fenced ? fenced[1] : text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('the reply contains no JSON object');
  try {
    return JSON.parse(body.slice(start, end + 1)) as unknown;
  } catch (e) {
    throw new Error(`the JSON object does not parse: ${(e as Error).message}`);
  }
}

export function validateRubric(
  value: unknown,
  problemId: string,
  rules: RubricRules = GENERATED_RULES,
): RubricCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: ['the answer must be one JSON object'] };
  }
  const parsed = RubricSchema.safeParse({ total: 7, ...value, problemId });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.map(String).join('.') || '(object)'}: ${i.message}`),
    };
  }
  const rubric = parsed.data;
  const errors: string[] = [];
  const ids = rubric.checkpoints.map((c) => c.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) errors.push(`checkpoint ids must be unique; repeated: ${[...new Set(dup)].join(', ')}`);
  if (rubric.checkpoints.some((c) => c.points < 1))
    errors.push('every checkpoint must be worth at least 1 point');
  const max = rubricMaxPoints(rubric);
  if (max !== 7)
    errors.push(`a complete solution must earn exactly 7 points; this scheme allows at most ${max}`);
  const minCheckpoints = rules.minCheckpoints ?? 0;
  if (rubric.checkpoints.length < minCheckpoints) {
    errors.push(`give at least ${minCheckpoints} checkpoints (got ${rubric.checkpoints.length})`);
  }
  const groups = new Map<string, number>();
  let ungrouped = 0;
  for (const c of rubric.checkpoints) {
    if (c.group === undefined) ungrouped += c.points;
    else groups.set(c.group, (groups.get(c.group) ?? 0) + c.points);
  }
  if (rules.groupsComplete && groups.size === 1)
    errors.push(
      `a single group ("${[...groups.keys()][0]}") is not an alternative: drop "group" or add another approach`,
    );
  for (const [g, pts] of groups) {
    if (rules.groupsComplete && ungrouped + pts !== 7)
      errors.push(
        `approach "${g}" totals ${ungrouped + pts} points with the ungrouped checkpoints; each approach must total 7`,
      );
  }
  if (rules.requireZeroCredit && rubric.zeroCredit.length === 0)
    errors.push('list at least one zeroCredit item');
  if (rules.requireDeductions && rubric.deductions.length === 0) errors.push('list at least one deduction');
  if (rules.requireCaps && rubric.caps.length === 0) errors.push('list at least one cap');
  for (const c of rubric.caps)
    if (c.maxScore >= 7)
      errors.push(`cap "${c.condition}" has maxScore ${c.maxScore}; a cap must be below 7`);
  return errors.length ? { ok: false, errors } : { ok: true, rubric };
}
