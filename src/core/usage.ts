// Token usage and cost accounting shared by providers, scaffolds, grading and evaluation.
// A Usage is additive: scaffolds and graders sum the usages of the calls they make.
import { z } from 'zod';

export const UsageSchema = z.object({
  promptTokens: z.number().int().nonnegative().default(0),
  completionTokens: z.number().int().nonnegative().default(0),
  reasoningTokens: z.number().int().nonnegative().default(0),
  cost: z.number().nonnegative().default(0).describe('US dollars'),
  latencyMs: z.number().nonnegative().default(0),
  calls: z.number().int().nonnegative().default(0),
});
export type Usage = z.infer<typeof UsageSchema>;

export function emptyUsage(): Usage {
  return { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cost: 0, latencyMs: 0, calls: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    cost: a.cost + b.cost,
    latencyMs: a.latencyMs + b.latencyMs,
    calls: a.calls + b.calls,
  };
}

export function sumUsage(usages: Iterable<Usage>): Usage {
  let total = emptyUsage();
  for (const u of usages) total = addUsage(total, u);
  return total;
}
