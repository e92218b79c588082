// `reasoning-cache`: K iterations of reason → summarize → refine. Each reasoning turn sees the problem
// and the current summary (an explicit "no summary yet" at first); the summarizer reads only the
// reasoning of the latest turn and its summary replaces the previous one. The final proof is the last
// reasoning turn's post-think content. The summarizer is the policy, another model ('summarizer'
// provider) or a programmatic function. With stopWhenFinished, a turn that ends on its own (not cut at
// its token budget) with an answer is the last.
import { z } from 'zod';
import type { Problem } from '../core/problem.ts';
import { fillPrompt, promptTemplate } from './prompts.ts';
import { reasoningOf } from './think.ts';
import { defineScaffold } from './types.ts';

export interface SummarizeInput {
  problem: Problem;
  /** The summary being replaced, or null on the first summarization. */
  summary: string | null;
  /** Reasoning of the latest turn (text before `</think>`, or its content when there is none). */
  reasoning: string;
  iteration: number;
}

/** A programmatic summarizer; when given it replaces the summarizer model. */
export type SummarizeFn = (input: SummarizeInput) => string | Promise<string>;

export const reasoningCacheOptions = z
  .object({
    iterations: z.coerce.number().int().min(1).default(3).describe('reasoning turns K (K-1 summaries)'),
    reasonTokens: z.coerce.number().int().positive().optional().describe('max tokens per reasoning turn'),
    summaryTokens: z.coerce.number().int().positive().default(2048).describe('max tokens per summary'),
    summaryTemperature: z.coerce.number().min(0).default(0.7),
    stopWhenFinished: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(false)
      .describe(
        'stop after a reasoning turn that ends on its own with an answer (not cut at reasonTokens); ' +
          'by default every turn runs, as in the reference',
      ),
    summarize: z
      .custom<SummarizeFn>((v) => typeof v === 'function', 'summarize must be a function')
      .optional()
      .describe('programmatic summarizer (code only)'),
  })
  .strict();

export const reasoningCache = defineScaffold({
  name: 'reasoning-cache',
  description: 'reason → summarize → refine for K iterations; the summary replaces the previous one',
  options: reasoningCacheOptions,
  run: async ({ problem }, ctx, opts) => {
    let summary: string | null = null;
    let proof = '';
    for (let i = 0; i < opts.iterations; i++) {
      const prompt = fillPrompt('rc-reason', {
        problem: problem.statement,
        summary: summary ?? promptTemplate('rc-no-summary'),
        instructions: promptTemplate(summary === null ? 'rc-instructions-first' : 'rc-instructions-refine'),
      });
      const reply = await ctx.generate([{ role: 'user', content: prompt }], {
        role: 'reason',
        maxTokens: opts.reasonTokens,
      });
      proof = reply.content;
      if (i === opts.iterations - 1) break;
      // A turn that ended on its own has written its whole proof: further turns could only rewrite it.
      if (opts.stopWhenFinished && reply.finishReason === 'stop' && reply.content.trim()) break;
      const reasoning = reasoningOf(reply);
      if (opts.summarize) {
        summary = await opts.summarize({ problem, summary, reasoning, iteration: i });
        ctx.note('summarize', summary);
      } else {
        const ask = fillPrompt('rc-summarize', {
          problem: problem.statement,
          summary: summary ?? promptTemplate('rc-no-summary'),
          attempt: reasoning,
        });
        const s = await ctx.generate([{ role: 'user', content: ask }], {
          role: 'summarize',
          using: ctx.has('summarizer') ? 'summarizer' : 'policy',
          maxTokens: opts.summaryTokens,
          temperature: opts.summaryTemperature,
        });
        summary = s.content;
      }
    }
    return proof;
  },
});
