// Runs one scaffold on one (problem, sample): wraps each provider behind a `generate` that records
// every call as a Turn (content, reasoning, usage, latency) and returns the Attempt. A provider
// failure ends the attempt as data (`Attempt.error`, empty proof) with the turns made so far.
import type { Attempt, Turn } from '../core/attempt.ts';
import { Rng } from '../core/rng.ts';
import { emptyUsage, sumUsage } from '../core/usage.ts';
import type { GenerateRequest, Provider } from '../providers/types.ts';
import { splitThinking } from './think.ts';
import type { CallOptions, CallResult, ScaffoldContext, ScaffoldDef, ScaffoldInput } from './types.ts';

/** Map of model keys to providers; 'policy' is the model under evaluation. */
export type ProviderMap = Record<string, Provider> & { policy: Provider };

export interface RunScaffoldOptions {
  providers: ProviderMap;
  /** Parsed scaffold options (see `parseScaffoldOptions`). */
  options: unknown;
  /** Defaults for every call unless the scaffold overrides them. */
  sampling?: Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP' | 'extra'>;
  signal?: AbortSignal;
}

class GenerationFailed extends Error {}

export async function runScaffold(
  scaffold: ScaffoldDef,
  input: ScaffoldInput,
  opts: RunScaffoldOptions,
): Promise<Attempt> {
  const turns: Turn[] = [];
  let callIndex = 0;
  const ctx: ScaffoldContext = {
    rng: new Rng(input.seed),
    has: (using) => using in opts.providers,
    note: (role, content, model = 'programmatic') => {
      turns.push({ role, content, model, usage: emptyUsage() });
    },
    generate: async (messages, call: CallOptions): Promise<CallResult> => {
      const provider = opts.providers[call.using ?? 'policy'] ?? opts.providers.policy;
      const started = performance.now();
      const result = await provider.generate(
        {
          messages,
          maxTokens: call.maxTokens ?? opts.sampling?.maxTokens,
          temperature: call.temperature ?? opts.sampling?.temperature,
          topP: call.topP ?? opts.sampling?.topP,
          stop: call.stop,
          extra: call.extra ?? opts.sampling?.extra,
          // Distinct, reproducible seed per call of this sample.
          seed: (input.seed + 7919 * callIndex++) >>> 0,
        },
        { signal: opts.signal },
      );
      const usage = { ...result.usage, calls: Math.max(1, result.usage.calls) };
      if (!usage.latencyMs) usage.latencyMs = performance.now() - started;
      if (!result.ok) {
        turns.push({ role: call.role, content: '', model: result.model, finishReason: 'error', usage });
        throw new GenerationFailed(`${call.role} call failed: ${result.error}`);
      }
      const split = splitThinking(result.text, result.reasoning);
      turns.push({
        role: call.role,
        content: split.content,
        ...(split.reasoning !== undefined ? { reasoning: split.reasoning } : {}),
        model: result.model,
        finishReason: result.finishReason,
        usage,
      });
      return { ...split, finishReason: result.finishReason };
    },
  };

  let finalProof = '';
  let error: string | undefined;
  try {
    finalProof = await scaffold.run(input, ctx, opts.options);
  } catch (e) {
    // Provider failures end the attempt; anything else is a bug, but is still recorded so the run
    // finishes and the failure is visible in the log.
    error =
      e instanceof GenerationFailed ? e.message : `scaffold ${scaffold.name} threw: ${(e as Error).message}`;
  }
  const usage = sumUsage(turns.map((t) => t.usage));
  return {
    id: `${input.problem.id}#${input.sampleIndex}`,
    problemId: input.problem.id,
    sampleIndex: input.sampleIndex,
    model: opts.providers.policy.name,
    scaffold: scaffold.name,
    turns,
    finalProof: error === undefined ? finalProof : '',
    ...(error !== undefined ? { error } : {}),
    usage,
    cost: usage.cost,
  };
}
