// The openai-compatible provider against the in-repo mock server, through the official client:
// every fault ends in a retry or a recorded failure with its reason, Retry-After is honoured,
// reasoning and usage are captured (streaming too), costs come from prices, keys never leak.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer } from '../server/mock-openai-server.ts';
import type { FaultKind, MockServer, MockServerOptions } from '../server/mock-openai-server.ts';
import type { EndpointConfig } from './endpoints.ts';
import { createOpenAICompatibleProvider } from './openai-compatible.ts';
import type { OpenAICompatibleOptions, OpenAICompatibleProvider } from './openai-compatible.ts';
import type { GenerateRequest } from './types.ts';

const open: Array<{ close(): Promise<void> } | OpenAICompatibleProvider> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close?.();
});

async function server(opts: MockServerOptions = {}): Promise<MockServer> {
  const s = await startMockServer(opts);
  open.push(s);
  return s;
}

const endpoint = (s: MockServer, extra: Partial<EndpointConfig> = {}): EndpointConfig => ({
  name: `ep-${s.port}`,
  baseUrl: s.url,
  models: [],
  weight: 1,
  maxConcurrency: 64,
  ...extra,
});

function provider(endpoints: EndpointConfig[], opts: Partial<OpenAICompatibleOptions> = {}) {
  const p = createOpenAICompatibleProvider({
    model: 'mock-prover',
    endpoints,
    timeoutMs: 200,
    env: {},
    ...opts,
    retry: { baseDelayMs: 1, maxDelayMs: 5, ...opts.retry },
  });
  open.push(p);
  return p;
}

const req = (content = 'Prove that 3 is odd.', extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  messages: [{ role: 'user', content }],
  ...extra,
});

/** A server answering every request with one fixed body (JSON, or SSE when given chunks), recording URLs. */
async function fixedServer(reply: { json?: unknown; chunks?: unknown[] }) {
  const urls: string[] = [];
  const srv = createServer((req, res) => {
    urls.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      if (reply.chunks) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`${reply.chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.json));
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  const handle = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    urls,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
  open.push(handle);
  return handle;
}

const completion = (message: Record<string, unknown>, finish = 'stop', completionTokens = 7) => ({
  id: 'chatcmpl-x',
  object: 'chat.completion',
  created: 0,
  model: 'mock-prover',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish, logprobs: null }],
  usage: { prompt_tokens: 4, completion_tokens: completionTokens, total_tokens: 4 + completionTokens },
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-x',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'mock-prover',
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});
const usageChunk = (completionTokens: number) => ({
  id: 'chatcmpl-x',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'mock-prover',
  choices: [],
  usage: { prompt_tokens: 4, completion_tokens: completionTokens, total_tokens: 4 + completionTokens },
});

const FAULTS: FaultKind[] = ['rate_limit', 'server_error', 'hang', 'malformed', 'truncate'];
const CODES: Record<FaultKind, RegExp> = {
  rate_limit: /^http_429$/,
  server_error: /^http_500$/,
  hang: /^timeout$/,
  malformed: /^(malformed|truncated)$/,
  truncate: /^(network|truncated|malformed)$/,
};

describe('openai-compatible provider', () => {
  for (const stream of [false, true]) {
    it.each(FAULTS)(`retries after %s (stream=${stream})`, async (fault) => {
      const s = await server({ faultFor: (c) => (c.index === 0 ? fault : undefined), retryAfterS: 0.01 });
      const p = provider([endpoint(s)], { stream });
      const r = await p.generate(req());
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.text).toMatch(/QED$/);
      expect(s.stats.requests).toBe(2);
      expect(p.stats.retries).toBe(1);
      expect(Object.keys(p.stats.errors)[0]).toMatch(CODES[fault]);
    });

    it.each(FAULTS)(
      `records %s as a failure with its reason when retries run out (stream=${stream})`,
      async (fault) => {
        const s = await server({ faultFor: () => fault, retryAfterS: 0.01 });
        const p = provider([endpoint(s)], { stream, retry: { maxRetries: 2 } });
        const r = await p.generate(req());
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.code).toMatch(CODES[fault]);
          expect(r.error).toContain(r.code as string);
          expect(r.error).toContain('after 3 tries');
          expect(r.attempts).toBe(3);
        }
        expect(s.stats.requests).toBe(3);
      },
    );
  }

  it('honours Retry-After before retrying a 429', async () => {
    const s = await server({ faultFor: (c) => (c.index === 0 ? 'rate_limit' : undefined), retryAfterS: 0.3 });
    const p = provider([endpoint(s)]);
    const t0 = performance.now();
    const r = await p.generate(req());
    expect(r.ok).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('does not retry client errors such as 401, and never echoes the key', async () => {
    const key = 'sk-LEAKCHECK-0123456789abcdef';
    const s = await server({ apiKey: 'the-server-key' });
    const p = provider([endpoint(s, { apiKeyEnv: 'MY_KEY' })], { env: { MY_KEY: key } });
    const r = await p.generate(req());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('http_401');
      expect(JSON.stringify(r)).not.toContain(key);
    }
    expect(s.stats.requests).toBe(1);
  });

  it('sends the key named by apiKeyEnv', async () => {
    const s = await server({ apiKey: 'right-key-42' });
    const p = provider([endpoint(s, { apiKeyEnv: 'MY_KEY' })], { env: { MY_KEY: 'right-key-42' } });
    expect((await p.generate(req())).ok).toBe(true);
  });

  for (const stream of [false, true]) {
    it(`captures reasoning_content, usage and cost (stream=${stream})`, async () => {
      const s = await server({
        respond: () => ({ content: 'The proof. QED', reasoning: 'first think hard' }),
      });
      const p = provider([endpoint(s)], {
        stream,
        prices: { 'mock-prover': { input: 1_000_000, output: 2_000_000 } },
      });
      const r = await p.generate(req('one two three'));
      expect(r).toMatchObject({
        ok: true,
        text: 'The proof. QED',
        reasoning: 'first think hard',
        finishReason: 'stop',
      });
      expect(r.usage).toMatchObject({ promptTokens: 3, completionTokens: 6, reasoningTokens: 3, calls: 1 });
      expect(r.usage.cost).toBeCloseTo(3 + 12);
      expect(s.calls[0].stream).toBe(stream);
    });
  }

  it('reports finish_reason length and sends max_completion_tokens to gpt-5 style models', async () => {
    const s = await server();
    const p = provider([endpoint(s)]);
    const r = await p.generate(req('x', { maxTokens: 3 }));
    expect(r.ok && r.finishReason).toBe('length');
    expect(s.calls[0].body.max_tokens).toBe(3);
    await p.generate(req('x', { maxTokens: 3, model: 'gpt-5-mini' }));
    expect(s.calls[1].body.max_completion_tokens).toBe(3);
    expect(p.unpricedModels.has('mock-prover')).toBe(false);
  });

  it('shrinks max tokens to fit the context window after a context-length error', async () => {
    const s = await server({ contextWindow: 50 });
    const p = provider([endpoint(s)]);
    const r = await p.generate(req('one two three four', { maxTokens: 100 }));
    expect(r.ok).toBe(true);
    expect(s.calls.map((c) => c.body.max_tokens)).toEqual([100, 46]);
    const tooLong = await p.generate(req('word '.repeat(60)));
    expect(tooLong).toMatchObject({ ok: false, code: 'context_length' });
  });

  it('times out a hanging request and stops at once when the caller aborts', async () => {
    const s = await server({ faultFor: () => 'hang' });
    const p = provider([endpoint(s)], { timeoutMs: 5_000 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 100);
    const t0 = performance.now();
    const r = await p.generate(req(), { signal: ctrl.signal });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('aborted');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('keeps requests in flight within the concurrency bound', async () => {
    let now = 0;
    let peak = 0;
    const s = await server({
      respond: async () => {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 20));
        now--;
        return 'ok QED';
      },
    });
    const p = provider([endpoint(s)], { concurrency: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => p.generate(req(`p${i}`))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(3);
  });

  it('routes more requests to the endpoint with fewer outstanding (the faster one)', async () => {
    const fast = await server({ latencyMs: 5 });
    const slow = await server({ latencyMs: 120 });
    const p = provider([endpoint(slow), endpoint(fast)], { concurrency: 4, timeoutMs: 5_000 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => p.generate(req(`p${i}`))));
    expect(fast.stats.requests + slow.stats.requests).toBe(40);
    expect(fast.stats.requests).toBeGreaterThan(3 * slow.stats.requests);
  });

  it('moves a failed request to another endpoint when one is free', async () => {
    const bad = await server({ faultFor: () => 'server_error' });
    const good = await server();
    const p = provider([endpoint(bad), endpoint(good)]);
    const r = await p.generate(req());
    expect(r.ok).toBe(true);
    expect(bad.stats.requests).toBe(1);
    expect(good.stats.requests).toBe(1);
  });

  it('stops sending traffic to a dead endpoint', async () => {
    const dead = await startMockServer();
    await dead.close(); // its port now refuses connections
    const good = await server();
    const p = provider([endpoint(dead), endpoint(good)], { concurrency: 4 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => p.generate(req(`p${i}`))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(good.stats.requests).toBe(40);
    expect(p.stats.errors.network ?? 0).toBeLessThanOrEqual(4);
  });

  it('fails clearly when no endpoint serves the model', async () => {
    const s = await server();
    const p = provider([endpoint(s, { models: ['other'] })]);
    const r = await p.generate(req());
    expect(r).toMatchObject({ ok: false, code: 'no_endpoint' });
    expect(s.stats.requests).toBe(0);
  });
});

describe('replies with no content', () => {
  const fixed = (
    ep: { url: string; port: number },
    opts: Partial<OpenAICompatibleOptions> = {},
  ): OpenAICompatibleProvider =>
    provider([{ name: `ep-${ep.port}`, baseUrl: ep.url, models: [], weight: 1, maxConcurrency: 64 }], {
      retry: { maxRetries: 1 },
      ...opts,
    });

  it.each([
    ['null content', completion({ content: null }), /no content in the reply \(7 completion tokens\)/],
    [
      'a tool call',
      completion(
        {
          content: null,
          tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        'tool_calls',
      ),
      /no content in the reply \(a tool call\)/,
    ],
    [
      'a refusal',
      completion({ content: null, refusal: 'I cannot help.' }),
      /no content in the reply \(a refusal\)/,
    ],
  ])('records %s as a malformed failure, not an empty answer', async (_, json, message) => {
    const s = await fixedServer({ json });
    const p = fixed(s);
    const r = await p.generate(req());
    expect(r).toMatchObject({ ok: false, code: 'malformed', attempts: 2 });
    if (!r.ok) expect(r.error).toMatch(message);
    expect(s.urls).toHaveLength(2);
  });

  it.each([
    [
      'stream with null content deltas',
      [chunk({ role: 'assistant', content: null }), chunk({}, 'stop'), usageChunk(5)],
      /\(5 completion tokens\)/,
    ],
    [
      'stream with a tool call',
      [
        chunk({ role: 'assistant', content: null }),
        chunk({
          tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
        }),
        chunk({}, 'tool_calls'),
        usageChunk(5),
      ],
      /\(a tool call\)/,
    ],
  ])('records a %s as a malformed failure', async (_, chunks, message) => {
    const s = await fixedServer({ chunks });
    const p = fixed(s, { stream: true });
    const r = await p.generate(req());
    expect(r).toMatchObject({ ok: false, code: 'malformed' });
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('keeps an empty string with no completion tokens as an empty answer', async () => {
    const s = await fixedServer({ json: completion({ content: '' }, 'stop', 0) });
    expect(await fixed(s).generate(req())).toMatchObject({ ok: true, text: '', finishReason: 'stop' });
    const streamed = await fixedServer({
      chunks: [chunk({ role: 'assistant', content: '' }), chunk({}, 'stop'), usageChunk(0)],
    });
    expect(await fixed(streamed, { stream: true }).generate(req())).toMatchObject({ ok: true, text: '' });
  });

  for (const stream of [false, true]) {
    it(`keeps the mock server's empty answer as an empty answer (stream=${stream})`, async () => {
      const s = await server({ respond: () => '' });
      const r = await provider([endpoint(s)], { stream }).generate(req());
      expect(r).toMatchObject({ ok: true, text: '', finishReason: 'stop' });
    });
  }

  it('keeps a reply cut off while reasoning (null content, reasoning present)', async () => {
    const s = await fixedServer({
      json: completion({ content: null, reasoning_content: 'let me think' }, 'length'),
    });
    expect(await fixed(s).generate(req())).toMatchObject({
      ok: true,
      text: '',
      reasoning: 'let me think',
      finishReason: 'length',
    });
  });

  it('keeps a filtered reply as filtered', async () => {
    const s = await fixedServer({ json: completion({ content: null }, 'content_filter', 0) });
    expect(await fixed(s).generate(req())).toMatchObject({
      ok: true,
      text: '',
      finishReason: 'content_filter',
    });
  });
});

describe('base URLs with credentials', () => {
  const KEY = 'sk-QUERYKEY-0123456789';

  it('sends query parameters of the base URL with every request and masks them in the router', async () => {
    const s = await fixedServer({ json: completion({ content: 'Done. QED' }) });
    const p = provider([
      {
        name: 'q',
        baseUrl: `${s.url}?key=${KEY}&api-version=2024-10-21`,
        models: [],
        weight: 1,
        maxConcurrency: 64,
      },
    ]);
    expect(await p.generate(req())).toMatchObject({ ok: true, text: 'Done. QED' });
    expect(s.urls[0]).toBe(`/v1/chat/completions?key=${KEY}&api-version=2024-10-21`);
    expect(p.router.endpoints[0].baseUrl).toBe(`${s.url}?key=***&api-version=***`);
    expect(JSON.stringify(p.router.endpoints)).not.toContain(KEY);
  });

  it('keeps a query key out of failures', async () => {
    const p = provider(
      [
        {
          name: 'dead',
          baseUrl: `http://127.0.0.1:1/v1?token=${KEY}`,
          models: [],
          weight: 1,
          maxConcurrency: 64,
        },
      ],
      { retry: { maxRetries: 0 } },
    );
    const r = await p.generate(req());
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(KEY);
    expect(JSON.stringify(p.router.endpoints)).not.toContain(KEY);
  });
});

describe('apiKeyEnv naming an unset variable', () => {
  it('warns once per endpoint, naming the endpoint and the variable, and still sends requests', async () => {
    const s = await server();
    const lines: string[] = [];
    const p = provider(
      [
        endpoint(s, { name: 'vllm-a', apiKeyEnv: 'VLLM_KEY' }),
        endpoint(s, { name: 'vllm-b', apiKeyEnv: 'VLLM_B_KEY' }),
        endpoint(s, { name: 'vllm-c', apiKeyEnv: 'VLLM_C_KEY' }),
        endpoint(s, { name: 'vllm-d' }),
      ],
      { env: { VLLM_B_KEY: '', VLLM_C_KEY: 'present-key-value' }, warn: (l) => lines.push(l) },
    );
    expect(lines).toEqual([
      'warning: endpoint "vllm-a": environment variable VLLM_KEY is not set; sending no API key (the placeholder "EMPTY")',
      'warning: endpoint "vllm-b": environment variable VLLM_B_KEY is empty; sending no API key (the placeholder "EMPTY")',
    ]);
    expect(lines.join('\n')).not.toContain('present-key-value');
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => p.generate(req(`p${i}`))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(lines).toHaveLength(2);
  });

  it('says nothing for the implicit endpoint built from OPENAI_BASE_URL', async () => {
    const s = await server();
    const lines: string[] = [];
    const p = createOpenAICompatibleProvider({
      model: 'mock-prover',
      env: { OPENAI_BASE_URL: s.url },
      warn: (l) => lines.push(l),
    });
    open.push(p);
    expect((await p.generate(req())).ok).toBe(true);
    expect(lines).toEqual([]);
  });
});
