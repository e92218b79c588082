// `pure`: one generation; the proof is the reply's post-think content.
import { z } from 'zod';
import { fillPrompt } from './prompts.ts';
import { defineScaffold } from './types.ts';

export const pure = defineScaffold({
  name: 'pure',
  description: 'one generation',
  options: z.object({}).strict(),
  run: async ({ problem }, ctx) => {
    const reply = await ctx.generate(
      [{ role: 'user', content: fillPrompt('solve', { problem: problem.statement }) }],
      {
        role: 'answer',
      },
    );
    return reply.content;
  },
});
