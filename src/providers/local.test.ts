import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../tiny/checkpoint.ts';
import { createGPT } from '../tiny/gpt.ts';
import { trainBpe } from '../tiny/tokenizer-train.ts';
import { createProvider } from './index.ts';
import { createLocalProvider, type LocalProvider } from './local.ts';
import type { GenerateRequest } from './types.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-local-'));
const tokenizer = trainBpe(
  'Let n be an integer. Then n(n+1) is even, since one factor is even. '.repeat(20),
  {
    vocabSize: 300,
  },
);
const ckpt = join(root, 'ckpt');
let provider: LocalProvider;

beforeAll(async () => {
  const model = createGPT({ vocab: tokenizer.vocabSize, ctx: 64, layers: 2, dModel: 32, heads: 4 }, 5);
  await saveCheckpoint(ckpt, { model, tokenizer });
  provider = await createLocalProvider({ checkpoint: ckpt, maxConcurrentBatch: 4 });
});
afterAll(async () => {
  await provider.close?.();
  rmSync(root, { recursive: true, force: true });
});

const ask = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({
  messages: [{ role: 'user', content: 'Prove that n(n+1) is even.' }],
  maxTokens: 12,
  ...over,
});

describe('local provider', () => {
  it('generates with usage counts and a length finish', async () => {
    const r = await provider.generate(ask({ seed: 1 }));
    if (!r.ok) throw new Error(r.error);
    expect(r.model).toBe(`local:${ckpt}`);
    expect(r.usage.promptTokens).toBe(
      tokenizer.encode('<|im_start|>user\nProve that n(n+1) is even.<|im_end|>\n<|im_start|>assistant\n')
        .length,
    );
    expect(r.usage.calls).toBe(1);
    if (r.finishReason === 'length') expect(r.usage.completionTokens).toBe(12);
    else expect(r.usage.completionTokens).toBeLessThanOrEqual(12);
  });

  it('is reproducible per seed, alone or batched with other requests', async () => {
    const texts: string[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = await provider.generate(ask({ seed }));
      texts.push(r.ok ? r.text : r.error);
    }
    expect(new Set(texts).size).toBeGreaterThan(1);
    const shared = provider.engine.stats.sharedPrefills;
    const again = await Promise.all([6, 5, 4, 3, 2, 1].map((seed) => provider.generate(ask({ seed }))));
    expect(again.map((r) => (r.ok ? r.text : r.error)).reverse()).toEqual(texts);
    expect(provider.engine.stats.maxBatchSeen).toBe(4);
    // The same prompt, started in the same step: one prefill, copied to the other slots.
    expect(provider.engine.stats.sharedPrefills - shared).toBeGreaterThanOrEqual(3);
    const single = await provider.generate(ask({ seed: 3 }));
    expect(single.ok && single.text).toBe(texts[2]);
  });

  it('batches concurrent requests into shared decode steps', async () => {
    const stepsBefore = provider.engine.stats.steps;
    const rs = await Promise.all(
      [11, 12, 13, 14].map((seed) => provider.generate(ask({ seed, maxTokens: 10 }))),
    );
    expect(rs.every((r) => r.ok)).toBe(true);
    // 4 requests × ≤10 tokens in one batch take ≤ 10 steps (+1 for a stop), not 40.
    expect(provider.engine.stats.steps - stepsBefore).toBeLessThanOrEqual(11);
  });

  it('cuts the text at a stop string and reports finishReason stop', async () => {
    const full = await provider.generate(ask({ temperature: 0, maxTokens: 40 }));
    if (!full.ok) throw new Error(full.error);
    const text = full.text;
    expect(text.length).toBeGreaterThan(6);
    const stop = text.slice(3, 6);
    const cut = await provider.generate(ask({ temperature: 0, maxTokens: 40, stop: [stop, 'never-seen'] }));
    expect(cut.ok && cut.finishReason).toBe('stop');
    expect(cut.ok && cut.text).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('ends at a stop token without putting it in the text, and streams the same text', async () => {
    const { engine } = provider;
    const base = { temperature: 0, topP: 1, seed: 0, stopStrings: [] as string[] };
    const promptIds = tokenizer.encode('<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    const free = await engine.submit({ ...base, promptIds, maxNewTokens: 8, stopTokens: new Set() });
    const target = tokenizer.encode(free.text);
    const deltas: string[] = [];
    const stopped = await engine.submit({
      ...base,
      promptIds,
      maxNewTokens: 8,
      stopTokens: new Set([target[3]]),
      onDelta: (d) => deltas.push(d),
    });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.completionTokens).toBe(target.indexOf(target[3]) + 1);
    expect(stopped.text).toBe(tokenizer.decode(target.slice(0, target.indexOf(target[3]))));
    expect(deltas.join('')).toBe(stopped.text);
  });

  it('reports prompts longer than the context and bad settings as failures, not exceptions', async () => {
    const long = await provider.generate(ask({ messages: [{ role: 'user', content: 'even '.repeat(200) }] }));
    expect(long.ok).toBe(false);
    expect(!long.ok && long.code).toBe('context_length');
    const bad = await provider.generate(ask({ topP: 0 }));
    expect(!bad.ok && bad.error).toMatch(/topP/);
  });

  it('honours an abort signal', async () => {
    const ac = new AbortController();
    const p = provider.generate(ask({ maxTokens: 50, seed: 9 }), { signal: ac.signal });
    ac.abort();
    const r = await p;
    expect(!r.ok && r.code).toBe('aborted');
  });

  it('is what createProvider returns for local:DIR, seeded by the factory seed', async () => {
    const a = await createProvider({ model: `local:${ckpt}`, seed: 3, local: { maxConcurrentBatch: 2 } });
    const b = await createProvider({ model: `local:${ckpt}`, seed: 3 });
    const [ra, rb] = [await a.generate(ask()), await b.generate(ask())];
    expect(a.name).toBe(`local:${ckpt}`);
    expect(ra.ok && ra.text).toBe(rb.ok && rb.text);
    await Promise.all([a.close?.(), b.close?.()]);
  });

  it('never samples ids beyond the tokenizer when the model vocab is padded', async () => {
    const padded = createGPT(
      { vocab: tokenizer.vocabSize + 50, ctx: 64, layers: 1, dModel: 16, heads: 2 },
      6,
    );
    // Make the padding rows by far the most likely tokens: final LayerNorm output ≈ +10 everywhere,
    // padding rows of the tied unembedding all +1.
    padded.lnfB.data.fill(10);
    for (let i = tokenizer.vocabSize * 16; i < padded.wte.size; i++) padded.wte.data[i] = 1;
    const p = await createLocalProvider({ checkpoint: 'padded', loaded: { model: padded, tokenizer } });
    const r = await p.generate(ask({ maxTokens: 5, temperature: 0 }));
    if (!r.ok) throw new Error(r.error);
    expect(r.finishReason).toBe('length');
    expect(r.text).not.toBe('');
    await p.close?.();
  });
});
