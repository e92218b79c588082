// The FineProofs-like SFT set: teacher proofs (with the teacher's controlled error rate) for the
// training problems, each graded 0–7 by the toy grader and kept unfiltered with a grade column. Rows
// use the exact prompts of the `pure` and `reasoning-cache` scaffolds, including refinement turns
// that continue from a programmatic summary.
import type { Problem } from '../core/problem.ts';
import { Rng, deriveSeed } from '../core/rng.ts';
import { fillPrompt, promptTemplate } from '../scaffolds/prompts.ts';
import { checkProof } from './check.ts';
import { metaOf } from './generate.ts';
import { parseStatement } from './spec.ts';
import { NOTHING_CARRIED, summaryText } from './summarizer.ts';
import { DEFAULT_ERROR_RATES, type ErrorKind, type ErrorRates, teacherProof } from './teacher.ts';
import { chainValues } from './spec.ts';

export type RowKind = 'solve' | 'rc-first' | 'rc-refine';

export interface SftRow {
  problemId: string;
  kind: RowKind;
  prompt: string;
  proof: string;
  /** Teacher grade 0–7 from the toy grader. */
  grade: number;
  error: ErrorKind | null;
  family: string;
  difficulty: number;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}

export function solvePrompt(problem: Pick<Problem, 'statement'>): string {
  return fillPrompt('solve', { problem: problem.statement });
}

/** The reasoning-cache turn prompt, exactly as the scaffold fills it. */
export function rcPrompt(problem: Pick<Problem, 'statement'>, summary: string | null): string {
  return fillPrompt('rc-reason', {
    problem: problem.statement,
    summary: summary ?? promptTemplate('rc-no-summary'),
    instructions: promptTemplate(summary === null ? 'rc-instructions-first' : 'rc-instructions-refine'),
  });
}

export interface SftSetOptions {
  seed: number;
  rates?: ErrorRates;
  /** Teacher proofs per problem for the plain prompt. */
  perProblem?: number;
  /** Probability of adding reasoning-cache rows (first and refinement turn) for a problem. */
  rcFraction?: number;
  /** Refinement rows per reasoning-cache problem, each continuing from its own summary (default 1). */
  refinePerProblem?: number;
  /**
   * When set, every long problem (the ones that need the reasoning cache) gets reasoning-cache rows,
   * with this many refinement rows, whatever rcFraction says.
   */
  refinePerLong?: number;
}

export function buildSftSet(problems: readonly Problem[], opts: SftSetOptions): SftRow[] {
  const rates = opts.rates ?? DEFAULT_ERROR_RATES;
  const rows: SftRow[] = [];
  for (const problem of problems) {
    const parsed = parseStatement(problem.statement);
    if (!parsed) throw new Error(`${problem.id}: not an Olympiad-lite problem`);
    const { spec } = parsed;
    const rng = new Rng(deriveSeed(opts.seed, 'sft', problem.id));
    const difficulty = Number(problem.difficulty ?? 0);
    const add = (kind: RowKind, prompt: string, from: number) => {
      const t = teacherProof(spec, rng, rates, from);
      const r = checkProof(problem.statement, t.proof);
      if (!r.ok) throw new Error(`${problem.id}: ${r.error}`);
      rows.push({
        problemId: problem.id,
        kind,
        prompt,
        proof: t.proof,
        grade: r.verdict.score,
        error: t.error,
        family: spec.family,
        difficulty,
        messages: [
          { role: 'user', content: prompt },
          { role: 'assistant', content: t.proof },
        ],
      });
    };
    for (let i = 0; i < (opts.perProblem ?? 1); i++) add('solve', solvePrompt(problem), 0);
    const long = opts.refinePerLong !== undefined && metaOf(problem)?.length === 'long';
    if (rng.next() >= (opts.rcFraction ?? 0.5) && !long) continue;
    add('rc-first', rcPrompt(problem, null), 0);
    const refines = long ? opts.refinePerLong! : (opts.refinePerProblem ?? 1);
    for (let k = 0; k < refines; k++) {
      if (spec.family === 'chain') {
        const from = rng.int(1, spec.ops.length);
        add('rc-refine', rcPrompt(problem, summaryText(chainValues(spec).slice(1, from + 1))), from);
      } else add('rc-refine', rcPrompt(problem, NOTHING_CARRIED), 0);
    }
  }
  return rows;
}
