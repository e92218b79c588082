// `rsa` (recursive self-aggregation): a population of N proofs; for T steps, every member of the next
// population aggregates a random subset of k members of the current one. Subsets come from the
// sample's seeded Rng. The final proof is the first member of the last population.
import { z } from 'zod';
import { fillPrompt, formatCandidates } from './prompts.ts';
import { defineScaffold } from './types.ts';

export const rsa = defineScaffold({
  name: 'rsa',
  description: 'population of N proofs, T steps of aggregating random subsets of size k',
  options: z
    .object({
      population: z.coerce.number().int().min(1).default(4).describe('population size N'),
      steps: z.coerce.number().int().min(0).default(2).describe('aggregation steps T'),
      subset: z.coerce.number().int().min(1).default(2).describe('subset size k'),
    })
    .strict()
    .refine((o) => o.subset <= o.population, {
      message: 'subset must not exceed population',
      path: ['subset'],
    }),
  run: async ({ problem }, ctx, opts) => {
    const statement = problem.statement;
    const solve = fillPrompt('solve', { problem: statement });
    let population = await Promise.all(
      Array.from({ length: opts.population }, () =>
        ctx.generate([{ role: 'user', content: solve }], { role: 'answer' }).then((r) => r.content),
      ),
    );
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
    return population[0];
  },
});
