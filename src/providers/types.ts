// The one interface every model backend implements: `Provider.generate(request)`.
// Failures a caller can recover from (HTTP errors after retries, timeouts, malformed responses)
// come back as `{ ok: false, error }`; exceptions are reserved for bugs.
import type { Usage } from '../core/usage.ts';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** Overrides the provider's default model. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** Per-sample seed; providers that support it make sampling reproducible. */
  seed?: number;
  /** Extra body fields passed through to OpenAI-compatible servers (e.g. reasoning_effort, top_k). */
  extra?: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'error' | 'unknown';

export interface GenerateSuccess {
  ok: true;
  text: string;
  /** reasoning_content from the server, when it returns one. */
  reasoning?: string;
  finishReason: FinishReason;
  model: string;
  usage: Usage;
  /** True when served from the response cache. */
  cached?: boolean;
}

export interface GenerateFailure {
  ok: false;
  error: string;
  /** HTTP status or a short code such as "timeout", "network", "malformed". */
  code?: string;
  model: string;
  usage: Usage;
  attempts?: number;
}

export type GenerateResult = GenerateSuccess | GenerateFailure;

export interface GenerateOptions {
  signal?: AbortSignal;
}

export interface Provider {
  /** e.g. "openai-compatible:gpt-oss-20b", "local:runs/x/ckpt", "mock". */
  readonly name: string;
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /** Releases sockets, caches, workers. */
  close?(): Promise<void>;
}
