import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '../providers/index.ts';
import { saveCheckpoint } from '../tiny/checkpoint.ts';
import { createGPT } from '../tiny/gpt.ts';
import { trainBpe } from '../tiny/tokenizer-train.ts';
import { startOpenAIServer, type OpenAIServer } from './openai-server.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'qed-serve-'));
let server: OpenAIServer;
let client: OpenAI;

beforeAll(async () => {
  const tokenizer = trainBpe(
    'Suppose p is prime and p divides ab. Then p divides a or p divides b. '.repeat(20),
    {
      vocabSize: 300,
    },
  );
  const model = createGPT({ vocab: tokenizer.vocabSize, ctx: 64, layers: 2, dModel: 32, heads: 4 }, 8);
  await saveCheckpoint(join(root, 'tiny-prover'), { model, tokenizer });
  server = await startOpenAIServer({ checkpoint: join(root, 'tiny-prover'), maxConcurrentBatch: 4 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const messages = [{ role: 'user' as const, content: 'Prove Euclid’s lemma.' }];

describe('OpenAI-compatible server (official openai client)', () => {
  it('binds 127.0.0.1 and lists the model', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['tiny-prover']);
  });

  it('answers a chat completion with usage, reproducibly per seed', async () => {
    const req = { model: 'tiny-prover', messages, max_tokens: 10, seed: 42 };
    const a = await client.chat.completions.create(req);
    const b = await client.chat.completions.create(req);
    expect(a.object).toBe('chat.completion');
    expect(a.choices[0].message.role).toBe('assistant');
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(['length', 'stop']).toContain(a.choices[0].finish_reason);
    expect(a.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(a.usage?.completion_tokens).toBeLessThanOrEqual(10);
    expect(a.usage?.total_tokens).toBe(a.usage!.prompt_tokens + a.usage!.completion_tokens);
  });

  it('streams the same text as the non-streaming answer, then usage and [DONE]', async () => {
    const req = { model: 'tiny-prover', messages, max_tokens: 12, seed: 7, stop: ['zzz'] };
    const whole = await client.chat.completions.create(req);
    const stream = await client.chat.completions.create({
      ...req,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(whole.choices[0].message.content);
    expect(finish).toBe(whole.choices[0].finish_reason);
    expect(usage).toEqual(whole.usage);
  });

  it('returns log-probabilities with the most likely alternatives, streamed or not', async () => {
    const req = {
      model: 'tiny-prover',
      messages,
      max_tokens: 6,
      temperature: 0,
      logprobs: true,
      top_logprobs: 3,
    };
    const r = await client.chat.completions.create(req);
    const content = r.choices[0].logprobs?.content ?? [];
    expect(content.length).toBe(r.usage!.completion_tokens - (r.choices[0].finish_reason === 'stop' ? 1 : 0));
    expect(content.map((c) => c.token).join('')).toBe(r.choices[0].message.content);
    for (const c of content) {
      expect(c.logprob).toBeLessThanOrEqual(0);
      expect(c.top_logprobs).toHaveLength(3);
      // Greedy decoding picks the most likely token.
      expect(c.top_logprobs[0]).toEqual({ token: c.token, logprob: c.logprob, bytes: c.bytes });
      expect(c.top_logprobs[1].logprob).toBeLessThanOrEqual(c.top_logprobs[0].logprob);
    }
    const stream = await client.chat.completions.create({ ...req, stream: true });
    const streamed: unknown[] = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed).toEqual(content);
  });

  it('returns n choices decoded together', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny-prover',
      messages,
      max_tokens: 8,
      n: 3,
      seed: 1,
    });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(r.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
  });

  it('refuses to start on a directory that is not a checkpoint', async () => {
    await expect(startOpenAIServer({ checkpoint: join(root, 'missing') })).rejects.toThrow(
      /not a checkpoint/,
    );
  });

  it('decodes concurrent clients in one batch', async () => {
    const before = server.engine.stats.steps;
    const rs = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        client.chat.completions.create({ model: 'tiny-prover', messages, max_tokens: 6, seed }),
      ),
    );
    expect(rs.every((r) => r.choices[0].message.content !== null)).toBe(true);
    expect(server.engine.stats.maxBatchSeen).toBeGreaterThanOrEqual(2);
    expect(server.engine.stats.steps - before).toBeLessThan(4 * 6);
  });

  it.each<[string, Record<string, unknown>, number, RegExp]>([
    ['unknown model', { model: 'gpt-9', messages }, 404, /not served here/],
    ['no messages', { model: 'tiny-prover', messages: [] }, 400, /messages/],
    ['bad temperature', { model: 'tiny-prover', messages, temperature: 'hot' }, 400, /temperature/],
    [
      'bad role',
      { model: 'tiny-prover', messages: [{ role: 'wizard', content: 'x' }] },
      400,
      /messages.0.role/,
    ],
    [
      'prompt too long',
      { model: 'tiny-prover', messages: [{ role: 'user', content: 'p '.repeat(300) }] },
      400,
      /context/,
    ],
  ])('rejects %s with a JSON error', async (_name, body, status, msg) => {
    const err = await client.chat.completions.create(body as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((err as Error).message).toMatch(msg);
  });
});

describe("OpenAI-compatible server (the project's own HTTP provider)", () => {
  it('answers createProvider like the in-process local provider, streamed or not', async () => {
    const env = { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'unused' };
    const request = { messages, maxTokens: 8, seed: 5, temperature: 0.8 };
    const local = await createProvider({ model: `local:${join(root, 'tiny-prover')}` });
    const want = await local.generate(request);
    for (const stream of [false, true]) {
      const http = await createProvider({ model: 'tiny-prover', env, cache: false, stream, maxRetries: 0 });
      const got = await http.generate(request);
      if (!got.ok || !want.ok) throw new Error(`${got.ok ? '' : got.error} ${want.ok ? '' : want.error}`);
      expect(got.text).toBe(want.text);
      expect(got.finishReason).toBe(want.finishReason);
      expect(got.usage.completionTokens).toBe(want.usage.completionTokens);
      await http.close?.();
    }
    await local.close?.();
  });
});

describe('OpenAI-compatible server with an API key', () => {
  it('requires the bearer token', async () => {
    const lines: string[] = [];
    const keyed = await startOpenAIServer({
      checkpoint: join(root, 'tiny-prover'),
      apiKey: 'sekret',
      log: (l) => lines.push(l),
    });
    try {
      const good = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: 'sekret', maxRetries: 0 });
      expect((await good.models.list()).data).toHaveLength(1);
      const bad = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
      const err = await bad.models.list().catch((e: unknown) => e);
      expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
      expect(lines).toEqual([
        expect.stringMatching(/^GET \/v1\/models 200 \d+ms$/),
        expect.stringMatching(/ 401 /),
      ]);
    } finally {
      await keyed.close();
    }
  });
});

describe('OpenAI-compatible server (curl)', () => {
  const curl = async (...args: string[]): Promise<string> => (await run('curl', ['-sS', ...args])).stdout;

  it('serves /v1/models and a chat completion', async () => {
    expect(JSON.parse(await curl(`${server.url}/v1/models`)).data[0].id).toBe('tiny-prover');
    const body = JSON.stringify({ model: 'tiny-prover', messages, max_tokens: 5, seed: 3 });
    const out = JSON.parse(
      await curl('-H', 'content-type: application/json', '-d', body, `${server.url}/v1/chat/completions`),
    );
    expect(out.choices[0].message.content).toEqual(expect.any(String));
    expect(out.usage.completion_tokens).toBeLessThanOrEqual(5);
  });

  it('streams server-sent events ending in [DONE]', async () => {
    const body = JSON.stringify({ model: 'tiny-prover', messages, max_tokens: 5, stream: true });
    const out = await curl('-N', '-d', body, `${server.url}/v1/chat/completions`);
    const events = out.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events[0].slice(6)).choices[0].delta.role).toBe('assistant');
  });

  it('answers malformed JSON with 400 and unknown routes with 404', async () => {
    const bad = await curl('-w', '\n%{http_code}', '-d', '{"model": ', `${server.url}/v1/chat/completions`);
    expect(bad.split('\n').at(-1)).toBe('400');
    expect(JSON.parse(bad.split('\n')[0]).error.code).toBe('invalid_json');
    const missing = await curl('-w', '\n%{http_code}', `${server.url}/v1/embeddings`);
    expect(missing.split('\n').at(-1)).toBe('404');
  });
});
