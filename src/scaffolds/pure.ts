// `pure`: one generation; the proof is the reply's post-think content.
import { z } from 'zod';
import { solve } from './solve.ts';
import { defineScaffold } from './types.ts';

export const pure = defineScaffold({
  name: 'pure',
  description: 'one generation',
  options: z.object({}).strict(),
  run: async ({ problem }, ctx) => solve(ctx, problem.statement),
});
