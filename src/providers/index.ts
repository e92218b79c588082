// Public surface of the providers: `createProvider({model, …})` picks the backend from the model spec —
// `mock` / `mock:…` (scripted, in process), `local:CHECKPOINT_DIR` (the embedded tiny model, loaded
// only when asked for), anything else → openai-compatible over HTTP (env or config-file endpoints).
import { endpointFromEnv, loadProviderConfig } from './endpoints.ts';
import type { ProviderConfig } from './endpoints.ts';
import { createMockProvider } from './mock-provider.ts';
import type { MockProviderOptions } from './mock-provider.ts';
import { createOpenAICompatibleProvider } from './openai-compatible.ts';
import { defaultCachePath, ResponseCache } from './response-cache.ts';
import type { LocalProviderOptions } from './local.ts';
import type { Provider } from './types.ts';

export * from './types.ts';
export { createMockProvider } from './mock-provider.ts';
export type {
  MockProvider,
  MockProviderCall,
  MockProviderReply,
  MockProviderOptions,
} from './mock-provider.ts';
export { createOpenAICompatibleProvider } from './openai-compatible.ts';
export type {
  OpenAICompatibleOptions,
  OpenAICompatibleProvider,
  ProviderStats,
} from './openai-compatible.ts';
export { endpointFromEnv, loadProviderConfig, parseProviderConfig } from './endpoints.ts';
export type { EndpointConfig, ProviderConfig } from './endpoints.ts';
export { DEFAULT_PRICES, costOf, priceOf } from './prices.ts';
export type { Price, PriceTable } from './prices.ts';
export { ResponseCache, defaultCachePath, requestKey, isCacheable } from './response-cache.ts';
export { redact, redactUrl, registerSecret } from './redact.ts';
export { Router } from './router.ts';

export interface CreateProviderOptions {
  /** `mock`, `mock:NAME`, `mock:fail`, `local:CHECKPOINT_DIR`, or a model name served over HTTP. */
  model: string;
  /** Provider config file (JSON or YAML); defaults to $QED_PROVIDER_CONFIG when set. */
  config?: string;
  /** SQLite response cache for HTTP providers (default on). */
  cache?: boolean;
  cachePath?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  stream?: boolean;
  /** Seeds backoff jitter (HTTP) and sampling (local). */
  seed?: number;
  env?: NodeJS.ProcessEnv;
  /** Scripted replies for `mock`. */
  respond?: MockProviderOptions['respond'];
  /** Extra options handed to the local provider. */
  local?: Omit<LocalProviderOptions, 'checkpoint'>;
}

export async function createProvider(opts: CreateProviderOptions): Promise<Provider> {
  const env = opts.env ?? process.env;
  if (opts.model === 'mock' || opts.model.startsWith('mock:')) {
    return createMockProvider({ model: opts.model, respond: opts.respond });
  }
  if (opts.model.startsWith('local:')) {
    const checkpoint = opts.model.slice('local:'.length);
    if (!checkpoint) throw new Error('local provider needs a checkpoint directory: local:DIR');
    // Loaded on demand so nothing else pays for the tensor engine.
    const { createLocalProvider } = await import('./local.ts');
    return createLocalProvider({
      ...(opts.concurrency !== undefined ? { maxConcurrentBatch: opts.concurrency } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...opts.local,
      checkpoint,
    });
  }
  const configPath = opts.config ?? (env.QED_PROVIDER_CONFIG || undefined);
  const config: ProviderConfig = configPath
    ? loadProviderConfig(configPath)
    : { endpoints: [endpointFromEnv(env)], prices: {}, defaults: {} };
  const d = config.defaults;
  const maxRetries = opts.maxRetries ?? d.maxRetries;
  const useCache = opts.cache ?? d.cache ?? true;
  const cache = useCache ? new ResponseCache(opts.cachePath ?? defaultCachePath(env)) : undefined;
  const provider = createOpenAICompatibleProvider({
    model: opts.model,
    // Without a file the provider builds the env endpoint itself (and stays quiet about a missing key).
    ...(configPath ? { endpoints: config.endpoints } : {}),
    prices: config.prices,
    concurrency: opts.concurrency ?? d.concurrency,
    timeoutMs: opts.timeoutMs ?? d.timeoutMs,
    ...(maxRetries !== undefined ? { retry: { maxRetries } } : {}),
    stream: opts.stream ?? d.stream,
    cache,
    seed: opts.seed,
    env,
  });
  const closeHttp = provider.close?.bind(provider);
  return Object.assign(provider, {
    async close() {
      await closeHttp?.();
      cache?.close();
    },
  });
}
