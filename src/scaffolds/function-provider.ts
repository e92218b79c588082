// A Provider made from a function, recording every request: for scripted tests of scaffolds and the
// runner, and for plugging in-process models. The function returns text (or text with reasoning),
// or `{ error }` to simulate a failed call. Token counts are whitespace word counts.
import type { Usage } from '../core/usage.ts';
import type { GenerateRequest, GenerateResult, Provider } from '../providers/types.ts';

export interface ProviderCall {
  index: number;
  request: GenerateRequest;
  /** The last user message, which is what scaffolds put their prompt in. */
  prompt: string;
}

export type ScriptedReply =
  string | { text: string; reasoning?: string; finishReason?: 'stop' | 'length' } | { error: string };

export interface FunctionProvider extends Provider {
  readonly calls: ProviderCall[];
}

const words = (s: string): number => (s.trim() === '' ? 0 : s.trim().split(/\s+/).length);

export function functionProvider(
  respond: (call: ProviderCall) => ScriptedReply | Promise<ScriptedReply>,
  opts: { name?: string; costPerToken?: number; record?: boolean } = {},
): FunctionProvider {
  const calls: ProviderCall[] = [];
  const name = opts.name ?? 'function';
  let index = 0;
  return {
    name,
    calls,
    async generate(request): Promise<GenerateResult> {
      const prompt = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const call = { index: index++, request, prompt };
      if (opts.record !== false) calls.push(call);
      const reply = await respond(call);
      const promptTokens = request.messages.reduce((n, m) => n + words(m.content), 0);
      if (typeof reply === 'object' && 'error' in reply) {
        const usage: Usage = {
          promptTokens,
          completionTokens: 0,
          reasoningTokens: 0,
          cost: 0,
          latencyMs: 0,
          calls: 1,
        };
        return { ok: false, error: reply.error, code: 'scripted', model: name, usage };
      }
      const r = typeof reply === 'string' ? { text: reply } : reply;
      const reasoningTokens = words(r.reasoning ?? '');
      const completionTokens = words(r.text) + reasoningTokens;
      const usage: Usage = {
        promptTokens,
        completionTokens,
        reasoningTokens,
        cost: (promptTokens + completionTokens) * (opts.costPerToken ?? 0),
        latencyMs: 0,
        calls: 1,
      };
      return {
        ok: true,
        text: r.text,
        ...(r.reasoning !== undefined ? { reasoning: r.reasoning } : {}),
        finishReason: 'finishReason' in r && r.finishReason ? r.finishReason : 'stop',
        model: name,
        usage,
      };
    },
  };
}
