// `rsa` (recursive self-aggregation): a population of N proofs; for T steps, every member of the next
// population aggregates a random subset of k members of the current one; then a pairwise knockout
// tournament (a 'selector' provider, or the policy) picks the final proof. Subsets, bracket order and
// tie-break coin flips all come from the sample's seeded Rng; every comparison is a recorded turn.
import { z } from 'zod';
import { parseBest } from './best-of-n.ts';
import { fillPrompt, formatCandidates } from './prompts.ts';
import { solveMany } from './solve.ts';
import { defineScaffold, type ScaffoldContext } from './types.ts';

/**
 * Single-elimination bracket over the proofs in a seeded random order; an odd one out gets a bye.
 * Each match asks which of two proofs is better (`<best>1|2</best>`); an unreadable verdict is decided
 * by a coin flip drawn before the round's calls (so the result does not depend on completion order)
 * and noted as a turn.
 */
export async function tournament(
  proofs: readonly string[],
  ctx: ScaffoldContext,
  opts: { statement: string; maxTokens?: number },
): Promise<string> {
  let round = ctx.rng.shuffle(proofs.map((_, i) => i));
  let roundNo = 0;
  while (round.length > 1) {
    roundNo++;
    const matches: Array<[number, number]> = [];
    for (let i = 0; i + 1 < round.length; i += 2) matches.push([round[i], round[i + 1]]);
    const bye = round.length % 2 ? [round[round.length - 1]] : [];
    const coins = matches.map(() => ctx.rng.next() < 0.5);
    const winners = await Promise.all(
      matches.map(async ([a, b], m) => {
        const reply = await ctx.generate(
          [
            {
              role: 'user',
              content: fillPrompt('rsa-compare', {
                problem: opts.statement,
                candidates: formatCandidates([proofs[a], proofs[b]]),
              }),
            },
          ],
          { role: 'select', using: ctx.has('selector') ? 'selector' : 'policy', maxTokens: opts.maxTokens },
        );
        const verdict = parseBest(reply.content, 2);
        if (verdict !== null) return verdict === 1 ? a : b;
        const pick = coins[m] ? a : b;
        ctx.note(
          'select',
          `round ${roundNo}: no readable <best>1|2</best> comparing proofs ${a + 1} and ${b + 1}; ` +
            `coin flip chose proof ${pick + 1}`,
        );
        return pick;
      }),
    );
    round = [...winners, ...bye];
  }
  return proofs[round[0]];
}

export const rsa = defineScaffold({
  name: 'rsa',
  description:
    'population of N proofs, T steps of aggregating random subsets of size k, then a pairwise tournament',
  options: z
    .object({
      population: z.coerce.number().int().min(1).default(4).describe('population size N'),
      steps: z.coerce.number().int().min(0).default(2).describe('aggregation steps T'),
      subset: z.coerce.number().int().min(1).default(2).describe('subset size k'),
      select: z
        .enum(['tournament', 'first'])
        .default('tournament')
        .describe('final pick: pairwise knockout tournament, or the first member (no calls)'),
      selectTokens: z.coerce
        .number()
        .int()
        .positive()
        .optional()
        .describe('max tokens per tournament comparison'),
    })
    .strict()
    .refine((o) => o.subset <= o.population, {
      message: 'subset must not exceed population',
      path: ['subset'],
    }),
  run: async ({ problem }, ctx, opts) => {
    const statement = problem.statement;
    let population = await solveMany(ctx, statement, opts.population);
    for (let step = 0; step < opts.steps; step++) {
      const current = population;
      // Draw all subsets before any call so the choice does not depend on completion order.
      const subsets = current.map(() => ctx.rng.sample(current, opts.subset));
      population = await Promise.all(
        subsets.map((subset) =>
          ctx
            .generate(
              [
                {
                  role: 'user',
                  content: fillPrompt('rsa-aggregate', {
                    problem: statement,
                    candidates: formatCandidates(subset),
                  }),
                },
              ],
              { role: 'aggregate' },
            )
            .then((r) => r.content),
        ),
      );
    }
    if (opts.select === 'first' || population.length === 1) return population[0];
    return tournament(population, ctx, { statement, maxTokens: opts.selectTokens });
  },
});
