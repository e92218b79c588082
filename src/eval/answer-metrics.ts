// Short-answer benchmark metrics (answer-checker grades): accuracy with a seeded bootstrap 95% CI over
// problems, no-answer and undecided rates, overall and by category and by category/subcategory. Fed
// one (attempt, grade) at a time by MetricsAccumulator; outcomes come from `answerOutcome(grade)`.
// An undecided check is neither wrong nor 0: it is left out of accuracy and reported as a rate.
import type { Attempt } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import { answerOutcome } from '../answers/answer-grader.ts';
import { bootstrapCi, type Interval } from './bootstrap.ts';

export interface AnswerCounts {
  correct: number;
  wrong: number;
  noAnswer: number;
  /** The checker could not decide (and no LLM fallback did): excluded from accuracy. */
  undecided: number;
  /** Grader failures other than undecided (e.g. the problem has no short answer). */
  failed: number;
  generationErrors: number;
  /** Correct or wrong verdicts given by the LLM judge fallback (included in correct / wrong). */
  decidedByJudge: number;
}

export interface AnswerGroupMetrics extends AnswerCounts {
  problems: number;
  samples: number;
  /** Samples the checker ran on: correct + wrong + noAnswer + undecided. */
  checked: number;
  /** Mean over problems of correct / (correct + wrong + noAnswer); null when nothing was decided. */
  accuracy: number | null;
  ci95: Interval | null;
  /** noAnswer / checked (samples). */
  noAnswerRate: number | null;
  /** undecided / checked (samples). */
  undecidedRate: number | null;
  /** Accuracy over problems if every undecided answer were wrong (low) or correct (high). */
  accuracyRange: Interval | null;
}

export interface AnswerMetrics extends AnswerGroupMetrics {
  byCategory: Record<string, AnswerGroupMetrics>;
  /** Keyed "Category / Subcategory" (subcategory names repeat across categories, e.g. "Other"). */
  bySubcategory: Record<string, AnswerGroupMetrics>;
}

interface ProblemAnswers extends AnswerCounts {
  category: string;
  subcategory: string;
  samples: number;
}

const UNSET = '(none)';

export function subcategoryKey(category: string | undefined, subcategory: string | undefined): string {
  if (subcategory === undefined || subcategory === '') return UNSET;
  return `${category || UNSET} / ${subcategory}`;
}

export class AnswerAccumulator {
  private readonly problems = new Map<string, ProblemAnswers>();

  constructor(private readonly opts: { seed?: number } = {}) {}

  add(attempt: Attempt, grade: Grade | null, meta: { category?: string; subcategory?: string } = {}): void {
    let p = this.problems.get(attempt.problemId);
    if (!p) {
      p = {
        category: meta.category || UNSET,
        subcategory: subcategoryKey(meta.category, meta.subcategory),
        samples: 0,
        correct: 0,
        wrong: 0,
        noAnswer: 0,
        undecided: 0,
        failed: 0,
        generationErrors: 0,
        decidedByJudge: 0,
      };
      this.problems.set(attempt.problemId, p);
    }
    p.samples++;
    if (attempt.error !== undefined) {
      p.generationErrors++;
      return;
    }
    if (!grade) return; // not graded yet (an interrupted run)
    const outcome = answerOutcome(grade);
    if (outcome === 'correct') p.correct++;
    else if (outcome === 'wrong') p.wrong++;
    else if (outcome === 'no-answer') p.noAnswer++;
    else if (outcome === 'undecided') p.undecided++;
    else p.failed++;
    if ((outcome === 'correct' || outcome === 'wrong') && grade.assessment.includes('LLM judge fallback'))
      p.decidedByJudge++;
  }

  result(): AnswerMetrics {
    const all = [...this.problems.values()];
    return {
      ...this.group(all),
      byCategory: this.groupBy(all, (p) => p.category),
      bySubcategory: this.groupBy(all, (p) => p.subcategory),
    };
  }

  private group(ps: ProblemAnswers[]): AnswerGroupMetrics {
    const sum = (f: (p: ProblemAnswers) => number) => ps.reduce((s, p) => s + f(p), 0);
    const decided = (p: ProblemAnswers) => p.correct + p.wrong + p.noAnswer;
    const checked = (p: ProblemAnswers) => decided(p) + p.undecided;
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const perProblem = ps.filter((p) => decided(p) > 0).map((p) => p.correct / decided(p));
    const withChecks = ps.filter((p) => checked(p) > 0);
    const low = mean(withChecks.map((p) => p.correct / checked(p)));
    const high = mean(withChecks.map((p) => (p.correct + p.undecided) / checked(p)));
    const nChecked = sum(checked);
    const rate = (x: number) => (nChecked > 0 ? x / nChecked : null);
    return {
      problems: ps.length,
      samples: sum((p) => p.samples),
      checked: nChecked,
      correct: sum((p) => p.correct),
      wrong: sum((p) => p.wrong),
      noAnswer: sum((p) => p.noAnswer),
      undecided: sum((p) => p.undecided),
      failed: sum((p) => p.failed),
      generationErrors: sum((p) => p.generationErrors),
      decidedByJudge: sum((p) => p.decidedByJudge),
      accuracy: mean(perProblem),
      ci95: bootstrapCi(perProblem, { seed: this.opts.seed ?? 0 }),
      noAnswerRate: rate(sum((p) => p.noAnswer)),
      undecidedRate: rate(sum((p) => p.undecided)),
      accuracyRange: low === null || high === null ? null : { low, high },
    };
  }

  private groupBy(
    ps: ProblemAnswers[],
    key: (p: ProblemAnswers) => string,
  ): Record<string, AnswerGroupMetrics> {
    const groups = new Map<string, ProblemAnswers[]>();
    for (const p of ps) {
      const list = groups.get(key(p));
      if (list) list.push(p);
      else groups.set(key(p), [p]);
    }
    return Object.fromEntries([...groups.keys()].sort().map((k) => [k, this.group(groups.get(k) ?? [])]));
  }
}
