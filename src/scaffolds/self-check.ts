// `self-check`: the policy solves, then repeatedly reviews its own proof (verdict yes/no with a bug
// report) and corrects it from the report. Stops after `passes` consecutive "yes" verdicts or after
// `rounds` reviews; an unreadable verdict counts as "no". A correction made after the last review is
// kept: a proof with a known bug is no better than an unchecked fix.
import { z } from 'zod';
import { fillPrompt } from './prompts.ts';
import { solve } from './solve.ts';
import { defineScaffold } from './types.ts';

export function parseVerdict(text: string): 'yes' | 'no' | null {
  const all = [...text.matchAll(/<verdict>\s*(yes|no)\s*<\/verdict>/gi)];
  return all.length ? (all[all.length - 1][1].toLowerCase() as 'yes' | 'no') : null;
}

export const selfCheck = defineScaffold({
  name: 'self-check',
  description: 'solve, then self-review (yes/no + bug report) and correct until it passes',
  options: z
    .object({
      rounds: z.coerce.number().int().min(1).default(4).describe('maximum self-reviews'),
      passes: z.coerce
        .number()
        .int()
        .min(1)
        .default(1)
        .describe('consecutive "yes" verdicts that end the loop'),
    })
    .strict(),
  run: async ({ problem }, ctx, opts) => {
    const statement = problem.statement;
    let proof = await solve(ctx, statement);
    let streak = 0;
    for (let round = 0; round < opts.rounds && streak < opts.passes; round++) {
      const review = await ctx.generate(
        [{ role: 'user', content: fillPrompt('self-check', { problem: statement, proof }) }],
        {
          role: 'verify',
        },
      );
      if (parseVerdict(review.content) === 'yes') {
        streak++;
        continue;
      }
      streak = 0;
      proof = (
        await ctx.generate(
          [
            {
              role: 'user',
              content: fillPrompt('self-correct', { problem: statement, proof, review: review.content }),
            },
          ],
          { role: 'refine' },
        )
      ).content;
    }
    return proof;
  },
});
