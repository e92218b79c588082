// Retry timing: Retry-After parsing in all its forms, and exponential backoff with bounded jitter.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { backoffMs, parseRetryAfter, shrinkMaxTokens } from './retry.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each<[Record<string, string>, number | undefined]>([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.25' }, 250],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, 3000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it('doubles per retry within [ceiling/2, ceiling] and stops at the cap', () => {
    const rng = new Rng(1);
    const policy = { maxRetries: 9, baseDelayMs: 100, maxDelayMs: 1000 };
    for (const [retry, ceiling] of [
      [0, 100],
      [1, 200],
      [3, 800],
      [6, 1000],
    ]) {
      for (let i = 0; i < 20; i++) {
        const d = backoffMs(retry, policy, rng);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe('shrinkMaxTokens', () => {
  const vllm =
    "This model's maximum context length is 1000 tokens. However, you requested 1300 tokens (400 in the messages, 900 in the completion).";
  it.each<[Record<string, unknown>, string, boolean, Record<string, unknown>]>([
    [{ max_tokens: 900 }, vllm, true, { max_tokens: 600 }],
    [{ max_completion_tokens: 900 }, vllm, true, { max_completion_tokens: 600 }],
    [{ max_tokens: 120 }, 'prompt is too long', true, { max_tokens: 100 }],
    [{ max_tokens: 1 }, 'prompt is too long', false, { max_tokens: 1 }],
    [{}, vllm, false, {}],
  ])('%j + message → %s', (body, message, changed, after) => {
    expect(shrinkMaxTokens(body, message)).toBe(changed);
    expect(body).toEqual(after);
  });
});
