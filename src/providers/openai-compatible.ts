// The openai-compatible provider: the official `openai` client (its own retries off) pointed at one or
// more endpoints (vLLM, SGLang, OpenAI, OpenRouter, the mock server) behind a least-outstanding router,
// with per-try timeouts, our retries with backoff and Retry-After, usage and reasoning capture, cost
// from a price table and an optional SQLite response cache. Failures come back as data, keys redacted.
import OpenAI from 'openai';
import { Agent } from 'undici';
import { Rng } from '../core/rng.ts';
import type { Usage } from '../core/usage.ts';
import { dispatcherFetch } from './dispatcher-fetch.ts';
import { endpointFromEnv } from './endpoints.ts';
import type { EndpointConfig } from './endpoints.ts';
import { costOf, DEFAULT_PRICES, priceOf } from './prices.ts';
import type { PriceTable } from './prices.ts';
import { redact, redactUrl, registerSecret, registerUrlSecrets } from './redact.ts';
import { isCacheable, requestKey } from './response-cache.ts';
import type { ResponseCache } from './response-cache.ts';
import { backoffMs, classifyError, DEFAULT_RETRY, shrinkMaxTokens, sleep } from './retry.ts';
import type { ClassifiedError, RetryPolicy } from './retry.ts';
import { callOnce, callStreaming, requestBody } from './openai-call.ts';
import type { ChatClient, Reply } from './openai-call.ts';
import { Router } from './router.ts';
import type { GenerateFailure, GenerateRequest, GenerateResult, Provider } from './types.ts';

export interface OpenAICompatibleOptions {
  /** Default model; a request's `model` overrides it. */
  model: string;
  /**
   * Defaults to the single endpoint described by OPENAI_BASE_URL / OPENAI_API_KEY. An endpoint given
   * here whose apiKeyEnv names an unset or empty variable gets a warning when the provider is created.
   */
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
  /** Where warnings go, one line each without newline (default: stderr). */
  warn?: (line: string) => void;
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
  /** Requests in flight across all endpoints. */
  readonly concurrency: number;
  /** The response cache file, or null when caching is off. */
  readonly cachePath: string | null;
  readonly stats: ProviderStats;
  /** Its endpoints carry base URLs fit to print or record: no credentials, query values masked. */
  readonly router: Router<EndpointConfig>;
  /** Models seen that have no price entry (their cost is counted as 0). */
  readonly unpricedModels: Set<string>;
}

export function createOpenAICompatibleProvider(opts: OpenAICompatibleOptions): OpenAICompatibleProvider {
  const env = opts.env ?? process.env;
  const endpoints = opts.endpoints?.length ? opts.endpoints : [endpointFromEnv(env)];
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const prices: PriceTable = { ...DEFAULT_PRICES, ...opts.prices };
  const rng = new Rng(opts.seed ?? 0x5eed);
  const concurrency = opts.concurrency ?? 16;
  const warn = opts.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  if (opts.endpoints?.length) {
    for (const e of opts.endpoints) {
      if (!e.apiKeyEnv || env[e.apiKeyEnv]) continue;
      const state = env[e.apiKeyEnv] === undefined ? 'is not set' : 'is empty';
      warn(
        `warning: endpoint "${e.name}": environment variable ${e.apiKeyEnv} ${state}; sending no API key (the placeholder "EMPTY")`,
      );
    }
  }
  for (const e of endpoints) registerUrlSecrets(e.baseUrl);
  // Requests go through the clients below, built from the real URLs; the router only picks by name.
  const router = new Router(
    endpoints.map((e) => ({ ...e, baseUrl: redactUrl(e.baseUrl) })),
    concurrency,
  );
  // Our own timeouts govern; undici's default 300 s header/body timeouts would cut long generations.
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
  const fetchWithAgent = dispatcherFetch(agent);
  const clients = new Map<string, ChatClient>(
    endpoints.map((e) => {
      const key = (e.apiKeyEnv ? env[e.apiKeyEnv] : undefined) || 'EMPTY';
      registerSecret(key);
      const { baseURL, defaultQuery } = splitBaseUrl(e.baseUrl);
      const client = new OpenAI({
        baseURL,
        ...(defaultQuery ? { defaultQuery } : {}),
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

  let cacheWarned = false;
  /** A cache that cannot be written (disk full, read-only) must not fail or retry a good answer. */
  function cachePut(key: string, reply: Reply): void {
    try {
      opts.cache?.put(key, reply);
    } catch (e) {
      if (!cacheWarned)
        process.stderr.write(`warning: response cache not written: ${(e as Error).message}\n`);
      cacheWarned = true;
    }
  }

  return {
    name: `openai-compatible:${opts.model}`,
    concurrency,
    cachePath: opts.cache?.path ?? null,
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
          if (cacheKey) cachePut(cacheKey, reply);
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

/**
 * The client appends paths to its base URL verbatim, so a query in it (`/v1?key=…`) would end up
 * before `/chat/completions`; it is sent as the client's default query instead.
 */
function splitBaseUrl(raw: string): { baseURL: string; defaultQuery?: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { baseURL: raw };
  }
  if (!url.search) return { baseURL: raw };
  const defaultQuery = Object.fromEntries(url.searchParams);
  url.search = '';
  url.hash = '';
  return { baseURL: url.toString(), defaultQuery };
}

/** Failures that say something about the endpoint rather than the request. */
function endpointFault(code: string): boolean {
  return code === 'network' || code === 'timeout' || /^http_5\d\d$/.test(code);
}
