// The mock OpenAI-compatible server: answers, usage, streaming, models, auth and each injected fault
// as a client sees it on the wire (the provider tests cover how our client reacts to them).
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer } from './mock-openai-server.ts';
import type { FaultKind, MockServer, MockServerOptions } from './mock-openai-server.ts';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: MockServerOptions = {}): Promise<MockServer> {
  server = await startMockServer(opts);
  return server;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

interface Completion {
  choices: Array<{ message: { content: string; reasoning_content?: string }; finish_reason: string }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    completion_tokens_details: { reasoning_tokens: number };
  };
}
const completion = async (res: Promise<Response>) => (await (await res).json()) as Completion;

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'mock-prover',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('mock OpenAI-compatible server', () => {
  it('answers deterministically with a proof ending in QED and counts usage', async () => {
    const s = await start({ seed: 3 });
    const a = await completion(post(s.url, ask('Prove that 2 is prime.', { seed: 1 })));
    const b = await completion(post(s.url, ask('Prove that 2 is prime.', { seed: 1 })));
    const c = await completion(post(s.url, ask('Prove that 2 is prime.', { seed: 2 })));
    expect(a.choices[0].message.content).toMatch(/QED$/);
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(c.choices[0].message.content).not.toBe(a.choices[0].message.content);
    expect(a.usage.prompt_tokens).toBe(5);
    expect(a.usage.completion_tokens).toBe(a.choices[0].message.content.split(/\s+/).length);
    expect(a.choices[0].finish_reason).toBe('stop');
    expect(s.calls).toHaveLength(3);
    expect(s.calls[0].body.seed).toBe(1);
  });

  it('uses a pluggable responder with reasoning and cuts at max_tokens', async () => {
    const s = await start({
      respond: (r) => ({ content: `judged: ${r.prompt} one two three`, reasoning: 'think think' }),
    });
    const full = await completion(post(s.url, ask('x')));
    expect(full.choices[0].message).toMatchObject({
      content: 'judged: x one two three',
      reasoning_content: 'think think',
    });
    expect(full.usage.completion_tokens_details.reasoning_tokens).toBe(2);
    const cut = await completion(post(s.url, ask('x', { max_tokens: 4 })));
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.choices[0].message.content).toBe('judged: x');
  });

  it('streams SSE chunks with usage and [DONE]', async () => {
    const s = await start();
    const res = await post(
      s.url,
      ask('Prove it.', { stream: true, stream_options: { include_usage: true } }),
    );
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toMatch(/QED$/);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1).usage.completion_tokens).toBe(text.split(/\s+/).length);
  });

  it('lists models, rejects bad bodies and wrong keys', async () => {
    const s = await start({ models: ['a', 'b'], apiKey: 'right-key-123' });
    const models = (await (await fetch(`${s.url}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['a', 'b']);
    expect((await post(s.url, { messages: 'nope' }, { authorization: 'Bearer right-key-123' })).status).toBe(
      400,
    );
    for (const body of [null, [1], 3]) {
      const r = await post(s.url, body, { authorization: 'Bearer right-key-123' });
      expect(r.status).toBe(400);
      expect(await r.text()).toContain('request body must be a JSON object');
    }
    const denied = await post(s.url, ask('x'), { authorization: 'Bearer wrong' });
    expect(denied.status).toBe(401);
    expect(await denied.text()).not.toContain('right-key-123');
    expect((await post(s.url, ask('x'), { authorization: 'Bearer right-key-123' })).status).toBe(200);
  });

  it.each<[FaultKind, (res: Response) => Promise<void>]>([
    [
      'rate_limit',
      async (res) => {
        expect(res.status).toBe(429);
        expect(res.headers.get('retry-after')).toBe('2');
      },
    ],
    ['server_error', async (res) => expect(res.status).toBe(500)],
    [
      'malformed',
      async (res) => {
        expect(res.status).toBe(200);
        const text = await res.text();
        let choices: unknown;
        try {
          choices = (JSON.parse(text) as { choices?: unknown }).choices;
        } catch {
          choices = undefined;
        }
        expect(choices).toBeUndefined();
      },
    ],
    ['truncate', async (res) => await expect(res.text()).rejects.toThrow()],
  ])('injects %s', async (kind, check) => {
    const s = await start({ faultFor: () => kind, retryAfterS: 2 });
    await check(await post(s.url, ask('x')));
    expect(s.stats.faults[kind]).toBe(1);
  });

  it('hangs without answering until the client gives up', async () => {
    const s = await start({ faultFor: () => 'hang' });
    const ctrl = new AbortController();
    let settled = false;
    const pending = fetch(`${s.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(ask('x')),
      signal: ctrl.signal,
    }).finally(() => (settled = true));
    while (s.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    ctrl.abort();
    await expect(pending).rejects.toThrow();
    expect(s.calls[0].fault).toBe('hang');
  });

  it('cuts a stream short on truncate', async () => {
    const s = await start({ faultFor: () => 'truncate' });
    const res = await post(s.url, ask('x', { stream: true }));
    await expect(res.text()).rejects.toThrow();
  });

  it('draws faults at the seeded rates, reproducibly', async () => {
    const rates = { rate_limit: 0.1, server_error: 0.1, malformed: 0.1, truncate: 0.1 };
    const runs: string[][] = [];
    for (let r = 0; r < 2; r++) {
      const s = await start({ faults: rates, seed: 11 });
      for (let i = 0; i < 200; i++)
        await post(s.url, ask(`problem ${i}`))
          .then((res) => res.text())
          .catch(() => '');
      runs.push(s.calls.map((c) => c.fault ?? '-'));
      await s.close();
      server = undefined;
    }
    expect(runs[0]).toEqual(runs[1]);
    for (const kind of Object.keys(rates)) {
      const n = runs[0].filter((f) => f === kind).length;
      expect(n).toBeGreaterThan(7);
      expect(n).toBeLessThan(36);
    }
  });
});
