// The openai-compatible provider: the official `openai` client (its own retries off) pointed at one or
// more endpoints (vLLM, SGLang, OpenAI, OpenRouter, the mock server) behind a least-outstanding router,
// with per-try timeouts, our retries with backoff and Retry-After, usage and reasoning capture, cost
// from a price table and an optional SQLite response cache. Failures come back as data, keys redacted.
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { Agent, fetch as undiciFetch } from 'undici';
import { Rng } from '../core/rng.ts';
import type { Usage } from '../core/usage.ts';
import { endpointFromEnv } from './endpoints.ts';
import type { EndpointConfig } from './endpoints.ts';
import { costOf, DEFAULT_PRICES, priceOf } from './prices.ts';
import type { PriceTable } from './prices.ts';
import { redact, registerSecret } from './redact.ts';
import { isCacheable, requestKey } from './response-cache.ts';
import type { ResponseCache } from './response-cache.ts';
import {
  backoffMs,
  classifyError,
  DEFAULT_RETRY,
  ResponseShapeError,
  shrinkMaxTokens,
  sleep,
} from './retry.ts';
import type { ClassifiedError, RetryPolicy } from './retry.ts';
import { Router } from './router.ts';
import type { FinishReason, GenerateFailure, GenerateRequest, GenerateResult, Provider } from './types.ts';

export interface OpenAICompatibleOptions {
  /** Default model; a request's `model` overrides it. */
  model: string;
  /** Defaults to the single endpoint described by OPENAI_BASE_URL / OPENAI_API_KEY. */
  endpoints?: EndpointConfig[];
  /** Requests in flight across all endpoints (default 16). */
  concurrency?: number;
  /** Per-try timeout covering the whole response, streamed or not (default 10 min). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Longest Retry-After we honour before retrying anyway (default 120 s). */
  maxRetryAfterMs?: number;
  /** Use SSE streaming (keeps long generations alive through proxies). */
  stream?: boolean;
  /** Merged over DEFAULT_PRICES. */
  prices?: PriceTable;
  cache?: ResponseCache;
  /** Seed for backoff jitter. */
  seed?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ProviderStats {
  requests: number;
  tries: number;
  retries: number;
  failures: number;
  cacheHits: number;
  /** Failed tries by code (http_429, timeout, malformed, …), retried or not. */
  errors: Record<string, number>;
}

export interface OpenAICompatibleProvider extends Provider {
  readonly stats: ProviderStats;
  readonly router: Router<EndpointConfig>;
  /** Models seen that have no price entry (their cost is counted as 0). */
  readonly unpricedModels: Set<string>;
}

interface Reply {
  text: string;
  reasoning?: string;
  finishReason: FinishReason;
  model: string;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

type ChatClient = Pick<OpenAI, 'chat'>;

export function createOpenAICompatibleProvider(opts: OpenAICompatibleOptions): OpenAICompatibleProvider {
  const env = opts.env ?? process.env;
  const endpoints = opts.endpoints?.length ? opts.endpoints : [endpointFromEnv(env)];
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const prices: PriceTable = { ...DEFAULT_PRICES, ...opts.prices };
  const rng = new Rng(opts.seed ?? 0x5eed);
  const router = new Router(endpoints, opts.concurrency ?? 16);
  // Our own timeouts govern; undici's default 300 s header/body timeouts would cut long generations.
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
  const fetchWithAgent = ((url: string, init?: Record<string, unknown>) =>
    undiciFetch(url, { ...init, dispatcher: agent })) as unknown as typeof fetch;
  const clients = new Map<string, ChatClient>(
    endpoints.map((e) => {
      const key = (e.apiKeyEnv ? env[e.apiKeyEnv] : undefined) || 'EMPTY';
      registerSecret(key);
      const client = new OpenAI({
        baseURL: e.baseUrl,
        apiKey: key,
        maxRetries: 0,
        timeout: timeoutMs + 5_000,
        fetch: fetchWithAgent,
      });
      return [e.name, client];
    }),
  );
  const stats: ProviderStats = { requests: 0, tries: 0, retries: 0, failures: 0, cacheHits: 0, errors: {} };
  const unpricedModels = new Set<string>();

  function usageOf(r: Reply, requested: string, latencyMs: number, cached: boolean): Usage {
    // Servers often answer with a dated variant of the requested name (gpt-4o → gpt-4o-2024-08-06).
    const price = priceOf(prices, r.model) ?? priceOf(prices, requested);
    if (!price) unpricedModels.add(requested);
    return {
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      reasoningTokens: r.reasoningTokens,
      cost: cached ? 0 : costOf(price, r.promptTokens, r.completionTokens),
      latencyMs,
      calls: 1,
    };
  }

  return {
    name: `openai-compatible:${opts.model}`,
    stats,
    router,
    unpricedModels,
    async generate(request: GenerateRequest, options = {}): Promise<GenerateResult> {
      const { signal } = options;
      const model = request.model ?? opts.model;
      const started = performance.now();
      stats.requests++;
      const cacheKey = opts.cache && isCacheable(request) ? requestKey(model, request) : undefined;
      const hit = cacheKey ? opts.cache?.get(cacheKey) : undefined;
      if (hit) {
        stats.cacheHits++;
        const { text, reasoning, finishReason } = hit;
        const usage = usageOf(hit, model, performance.now() - started, true);
        return {
          ok: true,
          text,
          ...(reasoning !== undefined ? { reasoning } : {}),
          finishReason,
          model: hit.model,
          usage,
          cached: true,
        };
      }
      const body = requestBody(model, request);
      let last: ClassifiedError = { code: 'unknown', retryable: false, message: 'no attempt made' };
      let avoid: string | undefined;
      let tries = 0;
      for (let retry = 0; retry <= policy.maxRetries; retry++) {
        if (signal?.aborted) {
          last = { code: 'aborted', retryable: false, message: 'aborted by caller' };
          break;
        }
        let lease;
        try {
          lease = await router.acquire(model, avoid, signal);
        } catch (e) {
          last = {
            code: signal?.aborted ? 'aborted' : 'no_endpoint',
            retryable: false,
            message: (e as Error).message,
          };
          break;
        }
        tries++;
        stats.tries++;
        if (retry > 0) stats.retries++;
        const ctrl = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          ctrl.abort();
        }, timeoutMs);
        const onAbort = () => ctrl.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const client = clients.get(lease.endpoint.name) as ChatClient;
          const reply = opts.stream
            ? await callStreaming(client, body, ctrl.signal)
            : await callOnce(client, body, ctrl.signal);
          router.markSuccess(lease.endpoint.name);
          reply.model ||= model;
          if (cacheKey) opts.cache?.put(cacheKey, reply);
          const { text, reasoning, finishReason } = reply;
          const usage = usageOf(reply, model, performance.now() - started, false);
          return {
            ok: true,
            text,
            ...(reasoning ? { reasoning } : {}),
            finishReason,
            model: reply.model,
            usage,
          };
        } catch (e) {
          last = classifyError(e, timedOut);
          if (signal?.aborted && !timedOut)
            last = { code: 'aborted', retryable: false, message: 'aborted by caller' };
          stats.errors[last.code] = (stats.errors[last.code] ?? 0) + 1;
          if (endpointFault(last.code)) router.markFailure(lease.endpoint.name);
        } finally {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          lease.release();
        }
        if (
          last.code === 'context_length' &&
          retry < policy.maxRetries &&
          shrinkMaxTokens(body, last.message)
        ) {
          continue; // the same request with a smaller completion budget; no reason to wait
        }
        if (!last.retryable || retry === policy.maxRetries) break;
        if (endpoints.length > 1) avoid = lease.endpoint.name;
        const wait =
          last.retryAfterMs !== undefined
            ? Math.min(last.retryAfterMs, maxRetryAfterMs)
            : backoffMs(retry, policy, rng);
        await sleep(wait, signal);
      }
      stats.failures++;
      const failure: GenerateFailure = {
        ok: false,
        error: redact(`${last.code}: ${last.message}${tries > 1 ? ` (after ${tries} tries)` : ''}`),
        code: last.code,
        model,
        usage: {
          promptTokens: 0,
          completionTokens: 0,
          reasoningTokens: 0,
          cost: 0,
          latencyMs: performance.now() - started,
          calls: 1,
        },
        attempts: tries,
      };
      return failure;
    },
    async close() {
      await agent.close();
    },
  };
}

/** Failures that say something about the endpoint rather than the request. */
function endpointFault(code: string): boolean {
  return code === 'network' || code === 'timeout' || /^http_5\d\d$/.test(code);
}

/** Newer OpenAI reasoning models reject `max_tokens`; servers such as vLLM accept either name. */
function maxTokensField(model: string): string {
  return /^(openai\/)?(o\d|gpt-5)/.test(model) ? 'max_completion_tokens' : 'max_tokens';
}

function requestBody(model: string, r: GenerateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: r.messages };
  if (r.maxTokens !== undefined) body[maxTokensField(model)] = r.maxTokens;
  if (r.temperature !== undefined) body.temperature = r.temperature;
  if (r.topP !== undefined) body.top_p = r.topP;
  if (r.stop?.length) body.stop = r.stop;
  if (r.seed !== undefined) body.seed = r.seed;
  return { ...body, ...r.extra };
}

function finishOf(reason: string | null | undefined): FinishReason {
  return reason === 'stop' || reason === 'length' || reason === 'content_filter'
    ? reason
    : reason === 'tool_calls' || reason === 'function_call'
      ? 'stop'
      : 'unknown';
}

/** reasoning_content (vLLM, DeepSeek, SGLang) or reasoning (OpenRouter, newer vLLM). */
function reasoningField(o: object | undefined): string | undefined {
  const r = o as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  const v = r?.reasoning_content ?? r?.reasoning;
  return typeof v === 'string' ? v : undefined;
}

function usageFields(u: ChatCompletion['usage'] | null | undefined) {
  return {
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    reasoningTokens: u?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

async function callOnce(
  client: ChatClient,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Reply> {
  const params = { ...body, stream: false } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
  const res = (await client.chat.completions.create(params, { signal })) as ChatCompletion | null;
  if (!res || typeof res !== 'object')
    throw new ResponseShapeError('malformed', 'response is not a JSON object');
  const choice = Array.isArray(res.choices) ? res.choices[0] : undefined;
  if (!choice || typeof choice.message !== 'object' || choice.message === null) {
    throw new ResponseShapeError('malformed', 'response has no choices[0].message');
  }
  const reasoning = reasoningField(choice.message);
  return {
    text: choice.message.content ?? '',
    ...(reasoning !== undefined ? { reasoning } : {}),
    finishReason: finishOf(choice.finish_reason),
    model: typeof res.model === 'string' ? res.model : '',
    ...usageFields(res.usage),
  };
}

async function callStreaming(
  client: ChatClient,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Reply> {
  const params = {
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
  const stream = await client.chat.completions.create(params, { signal });
  let text = '';
  let reasoning = '';
  let finish: string | null | undefined;
  let model = '';
  let usage: ChatCompletionChunk['usage'] | undefined;
  for await (const chunk of stream) {
    if (chunk.model) model = chunk.model;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    text += choice.delta?.content ?? '';
    reasoning += reasoningField(choice.delta) ?? '';
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (!finish) throw new ResponseShapeError('truncated', 'stream ended before a finish_reason');
  return {
    text,
    ...(reasoning ? { reasoning } : {}),
    finishReason: finishOf(finish),
    model,
    ...usageFields(usage),
  };
}
