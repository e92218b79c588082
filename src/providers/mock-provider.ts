// The `mock` provider: scripted, in-process and deterministic, recording every request, for unit tests
// anywhere in the project. `mock` and `mock:NAME` answer with a proof-like text derived from the prompt
// and the request seed (the same text the mock HTTP server gives); `mock:fail` fails every call; a
// `respond` function scripts anything else. Token counts are whitespace word counts; cost is 0.
import type { Usage } from '../core/usage.ts';
import { countWords, mockProofText } from '../server/mock-text.ts';
import type { FinishReason, GenerateRequest, GenerateResult, Provider } from './types.ts';

export interface MockProviderCall {
  index: number;
  request: GenerateRequest;
  /** The last user message. */
  prompt: string;
}

export type MockProviderReply =
  | string
  | { text: string; reasoning?: string; finishReason?: FinishReason }
  | { error: string; code?: string };

export interface MockProviderOptions {
  /** `mock`, `mock:NAME` or `mock:fail`. */
  model?: string;
  respond?: (call: MockProviderCall) => MockProviderReply | Promise<MockProviderReply>;
  /** Simulated latency per call. */
  latencyMs?: number;
}

export interface MockProvider extends Provider {
  readonly calls: MockProviderCall[];
}

export function createMockProvider(opts: MockProviderOptions = {}): MockProvider {
  const model = opts.model ?? 'mock';
  const failAll = model === 'mock:fail';
  const calls: MockProviderCall[] = [];
  const respond =
    opts.respond ??
    ((c: MockProviderCall): MockProviderReply =>
      failAll
        ? { error: 'mock:fail always fails', code: 'scripted' }
        : mockProofText(c.prompt, c.request.seed ?? 0));
  return {
    name: model,
    calls,
    async generate(request): Promise<GenerateResult> {
      const started = performance.now();
      const prompt = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const call = { index: calls.length, request, prompt };
      calls.push(call);
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      const reply = await respond(call);
      const promptTokens = request.messages.reduce((n, m) => n + countWords(m.content), 0);
      const usage: Usage = {
        promptTokens,
        completionTokens: 0,
        reasoningTokens: 0,
        cost: 0,
        latencyMs: performance.now() - started,
        calls: 1,
      };
      const name = request.model ?? model;
      if (typeof reply === 'object' && 'error' in reply) {
        return {
          ok: false,
          error: reply.error,
          code: reply.code ?? 'scripted',
          model: name,
          usage,
          attempts: 1,
        };
      }
      const r = typeof reply === 'string' ? { text: reply } : reply;
      let text = r.text;
      let finishReason: FinishReason = 'finishReason' in r && r.finishReason ? r.finishReason : 'stop';
      usage.reasoningTokens = countWords(r.reasoning ?? '');
      if (request.maxTokens !== undefined && countWords(text) + usage.reasoningTokens > request.maxTokens) {
        text = text
          .split(/\s+/)
          .slice(0, Math.max(0, request.maxTokens - usage.reasoningTokens))
          .join(' ');
        finishReason = 'length';
      }
      usage.completionTokens = countWords(text) + usage.reasoningTokens;
      return {
        ok: true,
        text,
        ...(r.reasoning !== undefined ? { reasoning: r.reasoning } : {}),
        finishReason,
        model: name,
        usage,
      };
    },
  };
}
