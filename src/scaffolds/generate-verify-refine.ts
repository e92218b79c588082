// `generate-verify-refine`: write a proof, have a verifier (the policy, or a 'verifier' provider) list
// its issues, revise against them; stop when the verifier finds none or after R rounds.
import { z } from 'zod';
import { fillPrompt } from './prompts.ts';
import { solve } from './solve.ts';
import { defineScaffold } from './types.ts';

/** Issues listed inside <issues>…</issues>; [] for "none"; null when the verifier gave no list. */
export function parseIssues(text: string): string[] | null {
  const m = /<issues>([\s\S]*?)<\/issues>/i.exec(text);
  if (!m) return null;
  const body = m[1].trim();
  if (/^(none|no issues?)\.?$/i.test(body) || body === '') return [];
  return body
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter((l) => l !== '');
}

export const generateVerifyRefine = defineScaffold({
  name: 'generate-verify-refine',
  description: 'verifier lists issues, the model revises; stops when none are found or after R rounds',
  options: z
    .object({
      rounds: z.coerce.number().int().min(0).default(2).describe('maximum revisions R'),
      verifyTokens: z.coerce.number().int().positive().optional().describe('max tokens per verification'),
    })
    .strict(),
  run: async ({ problem }, ctx, opts) => {
    const statement = problem.statement;
    let proof = await solve(ctx, statement);
    for (let round = 0; round < opts.rounds; round++) {
      const verdict = await ctx.generate(
        [{ role: 'user', content: fillPrompt('verify', { problem: statement, proof }) }],
        {
          role: 'verify',
          using: ctx.has('verifier') ? 'verifier' : 'policy',
          maxTokens: opts.verifyTokens,
        },
      );
      const issues = parseIssues(verdict.content);
      if (issues !== null && issues.length === 0) break;
      // A verdict without an issue list is passed on whole, so the reviser still sees the critique.
      const text = issues === null ? verdict.content : issues.map((s) => `- ${s}`).join('\n');
      proof = (
        await ctx.generate(
          [{ role: 'user', content: fillPrompt('refine', { problem: statement, proof, issues: text }) }],
          {
            role: 'refine',
          },
        )
      ).content;
    }
    return proof;
  },
});
