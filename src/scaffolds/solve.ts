// The opening move most scaffolds share: ask the model (the policy) to solve the problem with the
// 'solve' prompt and keep the reply's post-think content as a proof, once or n times in parallel.
import { fillPrompt } from './prompts.ts';
import type { ScaffoldContext } from './types.ts';

/** One proof of `statement` from the policy (turn role 'answer'). */
export async function solve(ctx: ScaffoldContext, statement: string): Promise<string> {
  const prompt = fillPrompt('solve', { problem: statement });
  return (await ctx.generate([{ role: 'user', content: prompt }], { role: 'answer' })).content;
}

/** n independent proofs of `statement`, requested at once, in request order. */
export function solveMany(ctx: ScaffoldContext, statement: string, n: number): Promise<string[]> {
  const prompt = fillPrompt('solve', { problem: statement });
  return Promise.all(
    Array.from({ length: n }, () =>
      ctx.generate([{ role: 'user', content: prompt }], { role: 'answer' }).then((r) => r.content),
    ),
  );
}
