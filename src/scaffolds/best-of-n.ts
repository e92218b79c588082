// `best-of-n`: n independent candidates, then a judge (a 'selector' provider, or the policy) picks
// one by number. An unreadable or out-of-range choice falls back to the first candidate; the
// judge's reply is kept as a turn so the fallback is visible.
import { z } from 'zod';
import { fillPrompt, formatCandidates } from './prompts.ts';
import { solveMany } from './solve.ts';
import { defineScaffold } from './types.ts';

/** 1-based candidate number from the last <best>N</best>, or null. */
export function parseBest(text: string, count: number): number | null {
  const all = [...text.matchAll(/<best>\s*(\d+)\s*<\/best>/gi)];
  if (!all.length) return null;
  const n = Number(all[all.length - 1][1]);
  return n >= 1 && n <= count ? n : null;
}

export const bestOfN = defineScaffold({
  name: 'best-of-n',
  description: 'n candidates, a judge picks one',
  options: z
    .object({
      n: z.coerce.number().int().min(1).default(4).describe('number of candidates'),
      selectTokens: z.coerce.number().int().positive().optional().describe('max tokens for the selection'),
    })
    .strict(),
  run: async ({ problem }, ctx, opts) => {
    const statement = problem.statement;
    const candidates = await solveMany(ctx, statement, opts.n);
    if (candidates.length === 1) return candidates[0];
    const choice = await ctx.generate(
      [
        {
          role: 'user',
          content: fillPrompt('best-of-n-select', {
            problem: statement,
            count: candidates.length,
            candidates: formatCandidates(candidates),
          }),
        },
      ],
      { role: 'select', using: ctx.has('selector') ? 'selector' : 'policy', maxTokens: opts.selectTokens },
    );
    return candidates[(parseBest(choice.content, candidates.length) ?? 1) - 1];
  },
});
