// Evaluation metrics, accumulated one sample at a time so a run of any size is summarised with memory
// proportional to the number of problems, not samples: mean score/7 with a seeded bootstrap 95% CI
// over problems, unbiased pass@k, breakdowns by category, category/subcategory and difficulty, tokens
// and cost per problem and per point earned; for answer-checker grades also accuracy, no-answer and
// undecided rates (answer-metrics.ts). Grader and generation failures are counted, never averaged as 0.
import type { Attempt } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import { addUsage, emptyUsage, type Usage } from '../core/usage.ts';
import { AnswerAccumulator, subcategoryKey, type AnswerMetrics } from './answer-metrics.ts';
import { bootstrapCi, type Interval } from './bootstrap.ts';

export { bootstrapCi, type Interval };

/** Unbiased pass@k from n samples of which c passed: 1 - C(n-c, k) / C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  if (k < 1 || k > n || c < 0 || c > n)
    throw new Error(`passAtK: need 1 <= k <= n and 0 <= c <= n (n=${n} c=${c} k=${k})`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

export interface GroupMetrics {
  problems: number;
  samples: number;
  graded: number;
  /** Mean points out of 7: mean over problems of each problem's mean graded score. Null if none graded. */
  mean: number | null;
  ci95: Interval | null;
  passAt1: number | null;
  graderErrors: number;
  generationErrors: number;
}

export interface EvalMetrics extends GroupMetrics {
  /** mean / 7. */
  meanFraction: number | null;
  passThreshold: number;
  /** pass@k (score >= passThreshold), averaged over problems with at least k graded samples. */
  passAtK: Record<string, number>;
  byCategory: Record<string, GroupMetrics>;
  /** Keyed "Category / Subcategory"; "(none)" when the problem has no subcategory. */
  bySubcategory: Record<string, GroupMetrics>;
  byDifficulty: Record<string, GroupMetrics>;
  /** Short-answer metrics; present when the run has answer-checker grades (`--scheme answer`). */
  answers?: AnswerMetrics;
  pointsEarned: number;
  tokens: {
    prompt: number;
    completion: number;
    reasoning: number;
    total: number;
    perProblem: number | null;
    perSample: number | null;
    perPoint: number | null;
  };
  cost: {
    generation: number;
    grading: number;
    total: number;
    perProblem: number | null;
    perPoint: number | null;
  };
  grading: Usage;
  /** Mean wall time of the model calls of one attempt (summed over its turns). */
  latencyMsPerSample: number | null;
}

interface ProblemStats {
  category: string;
  subcategory: string;
  difficulty: string;
  samples: number;
  graded: number;
  passed: number;
  sum: number;
  graderErrors: number;
  generationErrors: number;
}

export interface SampleMeta {
  category?: string;
  subcategory?: string;
  difficulty?: string;
}

const UNSET = '(none)';

export class MetricsAccumulator {
  private readonly problems = new Map<string, ProblemStats>();
  private generation = emptyUsage();
  private grading = emptyUsage();
  private points = 0;
  private readonly answers: AnswerAccumulator;
  private answerGrades: boolean;

  /** `answers: true` reports answer metrics even before (or without) any answer-checker grade. */
  constructor(private readonly opts: { passThreshold?: number; seed?: number; answers?: boolean } = {}) {
    this.answers = new AnswerAccumulator({ seed: opts.seed });
    this.answerGrades = opts.answers ?? false;
  }

  add(attempt: Attempt, grade: Grade | null, meta: SampleMeta = {}): void {
    let p = this.problems.get(attempt.problemId);
    if (!p) {
      p = {
        category: meta.category ?? UNSET,
        subcategory: subcategoryKey(meta.category, meta.subcategory),
        difficulty: meta.difficulty ?? UNSET,
        samples: 0,
        graded: 0,
        passed: 0,
        sum: 0,
        graderErrors: 0,
        generationErrors: 0,
      };
      this.problems.set(attempt.problemId, p);
    }
    p.samples++;
    this.answers.add(attempt, grade, meta);
    if (grade?.grader.scheme === 'answer') this.answerGrades = true;
    this.generation = addUsage(this.generation, attempt.usage);
    if (attempt.error !== undefined) {
      p.generationErrors++;
      return;
    }
    if (!grade) return;
    this.grading = addUsage(this.grading, grade.usage);
    if (grade.score === null) {
      p.graderErrors++;
      return;
    }
    p.graded++;
    p.sum += grade.score;
    this.points += grade.score;
    if (grade.score >= (this.opts.passThreshold ?? 6)) p.passed++;
  }

  result(): EvalMetrics {
    const all = [...this.problems.values()];
    const overall = this.group(all);
    const maxN = Math.max(0, ...all.map((p) => p.graded));
    const passAtKs: Record<string, number> = {};
    for (let k = 1; k <= maxN; k *= 2) passAtKs[k] = this.passAt(all, k) as number;
    if (maxN > 0 && !(maxN in passAtKs)) passAtKs[maxN] = this.passAt(all, maxN) as number;
    const g = this.generation;
    const total = g.promptTokens + g.completionTokens;
    const per = (x: number, d: number) => (d > 0 ? x / d : null);
    return {
      ...overall,
      meanFraction: overall.mean === null ? null : overall.mean / 7,
      passThreshold: this.opts.passThreshold ?? 6,
      passAtK: passAtKs,
      byCategory: this.groupBy(all, (p) => p.category, overall),
      bySubcategory: this.groupBy(all, (p) => p.subcategory, overall),
      byDifficulty: this.groupBy(all, (p) => p.difficulty, overall),
      ...(this.answerGrades ? { answers: this.answers.result() } : {}),
      pointsEarned: this.points,
      tokens: {
        prompt: g.promptTokens,
        completion: g.completionTokens,
        reasoning: g.reasoningTokens,
        total,
        perProblem: per(total, all.length),
        perSample: per(total, overall.samples),
        perPoint: per(total, this.points),
      },
      cost: {
        generation: g.cost,
        grading: this.grading.cost,
        total: g.cost + this.grading.cost,
        perProblem: per(g.cost, all.length),
        perPoint: per(g.cost, this.points),
      },
      grading: this.grading,
      latencyMsPerSample: per(g.latencyMs, overall.samples),
    };
  }

  private passAt(ps: ProblemStats[], k: number): number | null {
    const eligible = ps.filter((p) => p.graded >= k);
    if (!eligible.length) return null;
    return eligible.reduce((s, p) => s + passAtK(p.graded, p.passed, k), 0) / eligible.length;
  }

  private group(ps: ProblemStats[]): GroupMetrics {
    const means = ps.filter((p) => p.graded > 0).map((p) => p.sum / p.graded);
    const sum = (f: (p: ProblemStats) => number) => ps.reduce((s, p) => s + f(p), 0);
    return {
      problems: ps.length,
      samples: sum((p) => p.samples),
      graded: sum((p) => p.graded),
      mean: means.length ? means.reduce((a, b) => a + b, 0) / means.length : null,
      ci95: bootstrapCi(means, { seed: this.opts.seed ?? 0 }),
      passAt1: this.passAt(ps, 1),
      graderErrors: sum((p) => p.graderErrors),
      generationErrors: sum((p) => p.generationErrors),
    };
  }

  /** `whole` is group(ps), reused when every problem falls in one group (a bootstrap saved per key). */
  private groupBy(
    ps: ProblemStats[],
    key: (p: ProblemStats) => string,
    whole: GroupMetrics,
  ): Record<string, GroupMetrics> {
    const groups = new Map<string, ProblemStats[]>();
    for (const p of ps) {
      const list = groups.get(key(p));
      if (list) list.push(p);
      else groups.set(key(p), [p]);
    }
    if (groups.size === 1) return { [[...groups.keys()][0]]: { ...whole } };
    return Object.fromEntries([...groups.keys()].sort().map((k) => [k, this.group(groups.get(k) ?? [])]));
  }
}
