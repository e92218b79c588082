// The `local:CHECKPOINT_DIR` provider: the embedded tiny GPT in process, behind the same Provider interface
// as remote models. Chat messages go through the checkpoint's ChatML template and tokenizer, concurrent
// requests are decoded together by a continuous-batching LocalEngine, and text comes back with usage.
import { deriveSeed } from '../core/rng.ts';
import type { Usage } from '../core/usage.ts';
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import { END_OF_TEXT, IM_END, applyChatTemplate } from '../tiny/chat-template.ts';
import type { GPT } from '../tiny/gpt.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';
import { LocalEngine } from './local-engine.ts';
import type { ChatMessage, GenerateOptions, GenerateRequest, GenerateResult, Provider } from './types.ts';

export interface LocalProviderOptions {
  /** Checkpoint directory (used for loading and in the provider's name). */
  checkpoint: string;
  /** The provider's name as runs record it (default `local:CHECKPOINT`). */
  name?: string;
  /** An already loaded model + tokenizer; skips reading `checkpoint` (e.g. the live model while training). */
  loaded?: { model: GPT; tokenizer: Tokenizer };
  /** Most requests decoded together (default 8). */
  maxConcurrentBatch?: number;
  /** Sampling seed for requests without their own `seed` (default 0); request k gets deriveSeed(seed, k). */
  seed?: number;
  /** max tokens when a request gives none (default: up to the end of the context). */
  defaultMaxTokens?: number;
}

export interface LocalProvider extends Provider {
  readonly engine: LocalEngine;
}

/** The prompt ids for chat messages: ChatML with the assistant turn opened. */
export function chatPromptIds(tokenizer: Tokenizer, messages: readonly ChatMessage[]): number[] {
  return tokenizer.encode(applyChatTemplate(messages, { addGenerationPrompt: true }));
}

/** Token ids that end an assistant turn in this tokenizer. */
export function stopTokenIds(tokenizer: Tokenizer): Set<number> {
  const ids = [IM_END, END_OF_TEXT].map((s) => tokenizer.specialId(s));
  return new Set(ids.filter((i): i is number => i !== undefined));
}

function usageOf(promptTokens: number, completionTokens: number, latencyMs: number): Usage {
  return { promptTokens, completionTokens, reasoningTokens: 0, cost: 0, latencyMs, calls: 1 };
}

export async function createLocalProvider(opts: LocalProviderOptions): Promise<LocalProvider> {
  const { model, tokenizer } = opts.loaded ?? (await loadCheckpoint(opts.checkpoint));
  const engine = new LocalEngine(model, tokenizer, { maxBatch: opts.maxConcurrentBatch ?? 8 });
  const name = opts.name ?? `local:${opts.checkpoint}`;
  const stops = stopTokenIds(tokenizer);
  const baseSeed = opts.seed ?? 0;
  let counter = 0;

  async function generate(req: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const started = performance.now();
    const fail = (error: string, code: string, promptTokens = 0): GenerateResult => ({
      ok: false,
      error,
      code,
      model: name,
      usage: usageOf(promptTokens, 0, performance.now() - started),
    });
    const seed = req.seed ?? deriveSeed(baseSeed, counter++);
    const temperature = req.temperature ?? 1;
    const topP = req.topP ?? 1;
    if (!(temperature >= 0)) return fail(`temperature must be >= 0 (got ${temperature})`, 'invalid_request');
    if (!(topP > 0 && topP <= 1)) return fail(`topP must be in (0, 1] (got ${topP})`, 'invalid_request');
    if (req.maxTokens !== undefined && !(Number.isInteger(req.maxTokens) && req.maxTokens >= 0)) {
      return fail(`maxTokens must be a non-negative integer (got ${req.maxTokens})`, 'invalid_request');
    }
    const promptIds = chatPromptIds(tokenizer, req.messages);
    const room = model.config.ctx - promptIds.length;
    if (room <= 0) {
      return fail(
        `prompt has ${promptIds.length} tokens; the model context is ${model.config.ctx}`,
        'context_length',
        promptIds.length,
      );
    }
    try {
      const out = await engine.submit({
        promptIds,
        maxNewTokens: Math.min(req.maxTokens ?? opts.defaultMaxTokens ?? room, room),
        temperature,
        topP,
        seed,
        stopTokens: stops,
        stopStrings: req.stop ?? [],
        signal: options.signal,
      });
      return {
        ok: true,
        text: out.text,
        finishReason: out.finishReason,
        model: name,
        usage: usageOf(out.promptTokens, out.completionTokens, performance.now() - started),
      };
    } catch (e) {
      const msg = (e as Error).message;
      return fail(msg, msg === 'aborted' ? 'aborted' : 'local_error', promptIds.length);
    }
  }

  return { name, engine, generate, close: () => engine.close() };
}
