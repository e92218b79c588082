// Retry policy for HTTP providers: which failures are worth another try (429, 5xx, 408/409, network
// errors, timeouts, malformed or truncated bodies), how long to wait (exponential backoff with jitter,
// or the server's Retry-After when it sends one), and a short failure code for the record.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Rng } from '../core/rng.ts';
import { redact } from './redact.ts';

export interface RetryPolicy {
  /** Retries after the first try (0 = try once). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface ClassifiedError {
  /** e.g. "http_429", "http_500", "timeout", "network", "malformed", "truncated", "context_length", "aborted". */
  code: string;
  retryable: boolean;
  message: string;
  /** Delay the server asked for, in milliseconds. */
  retryAfterMs?: number;
}

/** A failure we detected ourselves in a response that the client accepted. */
export class ResponseShapeError extends Error {
  constructor(
    readonly code: 'malformed' | 'truncated',
    message: string,
  ) {
    super(message);
  }
}

/** Delay before retry number `retry` (0-based): half fixed, half jitter, capped. */
export function backoffMs(retry: number, policy: RetryPolicy, rng: Rng): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return ceiling / 2 + rng.next() * (ceiling / 2);
}

/** Reads `retry-after-ms`, or `retry-after` as seconds or an HTTP date. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONTEXT_ERROR = /context length|context window|maximum context|too many tokens|prompt is too long/i;

/**
 * After a context-length error, lowers the body's max tokens so prompt + completion fit: exactly when the
 * server says how long the window and the prompt are (vLLM, SGLang), else by a factor 1.2. Returns false
 * when there is nothing left to shrink.
 */
export function shrinkMaxTokens(body: Record<string, unknown>, message: string): boolean {
  const field = ['max_completion_tokens', 'max_tokens'].find((f) => typeof body[f] === 'number');
  if (!field) return false;
  const current = body[field] as number;
  const window = /maximum context length is (\d+)/i.exec(message);
  const prompt = /\((\d+) in the messages/i.exec(message);
  let next = window && prompt ? Number(window[1]) - Number(prompt[1]) : Math.floor(current / 1.2);
  if (next >= current) next = Math.floor(current / 1.2);
  if (next < 1) return false;
  body[field] = next;
  return true;
}

export function classifyError(e: unknown, timedOut: boolean): ClassifiedError {
  const message = redact(e instanceof Error ? e.message : String(e));
  if (timedOut || e instanceof APIConnectionTimeoutError) {
    return { code: 'timeout', retryable: true, message: 'request timed out' };
  }
  if (e instanceof APIUserAbortError)
    return { code: 'aborted', retryable: false, message: 'aborted by caller' };
  if (e instanceof ResponseShapeError) return { code: e.code, retryable: true, message };
  if (e instanceof APIConnectionError) {
    const cause = e.cause instanceof Error ? `: ${redact(e.cause.message)}` : '';
    return { code: 'network', retryable: true, message: `${message}${cause}` };
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const status = e.status;
    if (status === 400 && CONTEXT_ERROR.test(message))
      return { code: 'context_length', retryable: false, message };
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const retryAfterMs = parseRetryAfter(e.headers);
    return {
      code: `http_${status}`,
      retryable,
      message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (e instanceof SyntaxError)
    return { code: 'malformed', retryable: true, message: `response is not JSON: ${message}` };
  // Body read failures from fetch ("terminated", socket resets) surface as TypeError or plain Error.
  return { code: 'network', retryable: true, message };
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
