// Ensemble grader: K samples of one judge and/or several judges per attempt, aggregated by mean or
// median over the members that produced a score. Member scores (null for failures) and their
// standard deviation are recorded; if every member fails, the ensemble fails (score null).
import type { Grade, GraderInfo } from '../core/grade.ts';
import { sumUsage } from '../core/usage.ts';
import type { GradeInput, GradeOptions, Grader } from './types.ts';

export type Aggregate = 'mean' | 'median';

export interface EnsembleOptions {
  members: readonly Grader[];
  /** Calls per member (default 1). */
  samples?: number;
  aggregate?: Aggregate;
}

export function createEnsembleGrader(opts: EnsembleOptions): Grader {
  if (opts.members.length === 0) throw new Error('an ensemble needs at least one member grader');
  const samples = Math.max(1, opts.samples ?? 1);
  const aggregate = opts.aggregate ?? 'mean';
  const first = opts.members[0].info;
  const models = [...new Set(opts.members.map((m) => m.info.model ?? m.info.kind))];
  const info: GraderInfo = {
    ...first,
    kind: 'ensemble',
    model: models.join(','),
    proofPreparation:
      `${first.proofPreparation ?? ''};members=${opts.members.length}x${samples};aggregate=${aggregate}`.replace(
        /^;/,
        '',
      ),
  };

  async function grade(input: GradeInput, options?: GradeOptions): Promise<Grade> {
    const runs = opts.members.flatMap((m) => Array.from({ length: samples }, () => m.grade(input, options)));
    const grades = await Promise.all(runs);
    const scores = grades.map((g) => g.score);
    const ok = grades.filter((g) => g.score !== null);
    const values = ok.map((g) => g.score as number);
    const usage = sumUsage(grades.map((g) => g.usage));
    const base = { ...grades[0], grader: info, samples: scores, usage };
    if (values.length === 0) {
      const reasons = [...new Set(grades.map((g) => g.graderError ?? 'unknown'))];
      return {
        ...base,
        score: null,
        graderError: `all ${grades.length} ensemble members failed: ${reasons.join(' | ')}`,
        assessment: '',
        errors: [],
      };
    }
    const best = ok[0];
    return {
      ...base,
      score: aggregate === 'median' ? median(values) : mean(values),
      graderError: undefined,
      spread: std(values),
      // every member, failed ones with their reason, in call order
      assessment: grades
        .map((g, i) =>
          g.score === null
            ? `[member ${i + 1}: failed] ${g.graderError ?? ''}`
            : `[member ${i + 1}: ${g.score}] ${g.assessment}`,
        )
        .join('\n\n'),
      errors: best.errors,
    };
  }

  return { info, grade };
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Population standard deviation. */
export function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}
