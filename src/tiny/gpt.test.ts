// End-to-end checks of the GPT engine: a 2-layer model overfits a small corpus, same seed gives a
// bit-identical loss curve, AdamW state resumes exactly, KV-cache logits equal a full recompute, and the
// sampler/log-prob helpers agree with each other and honour seeds, stop tokens and limits.
import { describe, expect, it } from 'vitest';
import { setBufferPool } from './buffer-pool.ts';
import { AdamW, clipGradNorm, cosineSchedule } from './optim.ts';
import { createGPT, type GPT, type GPTConfig } from './gpt.ts';
import { KVCache, forwardCached } from './kv-cache.ts';
import { completionLogProbs, scoreLogProbs, sequenceLogProbs } from './logprobs.ts';
import { add, mul, sum } from './ops-basic.ts';
import { crossEntropy } from './ops-nn.ts';
import { sample } from './sample.ts';
import { Tensor, noGrad } from './tensor.ts';

const cfg: GPTConfig = { vocab: 40, ctx: 24, layers: 2, dModel: 32, heads: 4 };
const corpus = 'the cat sat on the mat. a dog ran in the fog. '.repeat(4);
const ids = Array.from(corpus, (c) => c.charCodeAt(0) % 40);

function batch(step: number, B: number, T: number): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = (step * 7 + b * 13) % (ids.length - T - 1);
    for (let t = 0; t < T; t++) {
      x[b * T + t] = ids[start + t];
      y[b * T + t] = ids[start + t + 1];
    }
  }
  return { x, y };
}

function train(seed: number, steps: number, opt?: AdamW, model = createGPT(cfg, seed), from = 0): number[] {
  const o = opt ?? new AdamW(model.namedParameters(), { lr: 3e-3, weightDecay: 0.01 });
  const lrAt = cosineSchedule({ lr: 3e-3, warmupSteps: 5, totalSteps: 400, minLr: 1e-3 });
  const losses: number[] = [];
  for (let s = from; s < from + steps; s++) {
    const { x, y } = batch(s, 4, 20);
    const loss = crossEntropy(model.forward(x, 4, 20), y);
    o.zeroGrad();
    loss.backward();
    clipGradNorm(model.namedParameters(), 1);
    o.step(lrAt(s));
    losses.push(loss.item());
  }
  return losses;
}

describe('GPT training', () => {
  it('overfits a small corpus to near-zero loss', () => {
    const losses = train(1, 250);
    expect(losses[0]).toBeGreaterThan(3);
    expect(losses[losses.length - 1]).toBeLessThan(0.15);
  });

  it('gives a bit-identical loss curve for the same seed, a different one for another seed', () => {
    const a = train(7, 8);
    expect(train(7, 8)).toEqual(a);
    expect(train(8, 8)).not.toEqual(a);
  });

  it('gives the same results when large buffers are recycled between steps', () => {
    // Big enough that gradients and attention probabilities go through the buffer pool.
    const big: GPTConfig = { vocab: 64, ctx: 64, layers: 2, dModel: 64, heads: 4 };
    const run = () => {
      const m = createGPT(big, 2);
      const o = new AdamW(m.namedParameters(), { lr: 1e-2 });
      const out: number[] = [];
      for (let s = 0; s < 3; s++) {
        const x = Int32Array.from({ length: 128 }, (_v, i) => (i * 5 + s) % 64);
        const y = Int32Array.from({ length: 128 }, (_v, i) => (i * 3 + s) % 64);
        const loss = crossEntropy(m.forward(x, 2, 64), y);
        o.zeroGrad();
        loss.backward();
        o.step();
        out.push(loss.item());
      }
      return out;
    };
    setBufferPool(false);
    const fresh = run();
    setBufferPool(true);
    const first = run();
    expect(first).toEqual(fresh);
    expect(run()).toEqual(first);
    expect(first[2]).toBeLessThan(first[0]);
  });

  it('resumes exactly from AdamW state and weights', () => {
    const full = train(3, 10);
    const model = createGPT(cfg, 3);
    const opt = new AdamW(model.namedParameters(), { lr: 3e-3, weightDecay: 0.01 });
    train(3, 6, opt, model);
    const weights = new Map(model.namedParameters().map((p) => [p.name, p.tensor.data.slice()]));
    const state = opt.state();
    const resumed = createGPT(cfg, 999);
    resumed.loadParameters((n) => weights.get(n));
    const opt2 = new AdamW(resumed.namedParameters(), { lr: 3e-3, weightDecay: 0.01 });
    opt2.loadState(state);
    expect(train(3, 4, opt2, resumed, 6)).toEqual(full.slice(6));
  });

  it('names parameters like HF GPT-2 with Conv1D [in, out] layouts', () => {
    const m = createGPT(cfg, 1);
    const shapes = Object.fromEntries(m.namedParameters().map((p) => [p.name, p.tensor.shape]));
    expect(shapes['wte.weight']).toEqual([40, 32]);
    expect(shapes['wpe.weight']).toEqual([24, 32]);
    expect(shapes['h.1.attn.c_attn.weight']).toEqual([32, 96]);
    expect(shapes['h.0.mlp.c_proj.weight']).toEqual([128, 32]);
    expect(shapes['ln_f.bias']).toEqual([32]);
    expect(m.numParameters()).toBe(
      Object.values(shapes).reduce((s, d) => s + d.reduce((a, b) => a * b, 1), 0),
    );
  });

  it('rejects bad configs and inputs clearly', () => {
    expect(() => createGPT({ ...cfg, heads: 5 }, 1)).toThrow(/not divisible by heads/);
    expect(() => createGPT(cfg, 1).forward(new Int32Array(30), 1, 30)).toThrow(/exceeds context 24/);
    expect(() => createGPT(cfg, 1).forward(new Int32Array(5), 2, 3)).toThrow(/is not B\*T/);
    const bad = { ...cfg, positions: 'alibi' } as unknown as GPTConfig;
    expect(() => createGPT(bad, 1)).toThrow(/positions must be 'learned' or 'rope'/);
    expect(() => createGPT({ ...cfg, dModel: 12, heads: 4, positions: 'rope' }, 1)).toThrow(/even head size/);
    expect(() => createGPT({ ...cfg, prevTokens: 1.5 }, 1)).toThrow(
      /prevTokens must be an integer from 0 to 8/,
    );
  });

  for (const [positions, prevTokens] of [
    ['learned', 0],
    ['rope', 0],
    ['rope', 3],
  ] as const) {
    it(`a packed row computes what its examples compute one per row (${positions} positions, ${prevTokens} previous-token embeddings)`, () => {
      const m = createGPT({ ...cfg, positions, prevTokens }, 5);
      const a = ids.slice(0, 7);
      const b = ids.slice(9, 19);
      const pos = Int32Array.from([...a.keys(), ...b.keys()]);
      const packed = m.forward(Int32Array.from([...a, ...b]), 1, a.length + b.length, { positions: pos });
      const alone = [a, b].map((e) => m.forward(Int32Array.from(e), 1, e.length).data);
      const both = [...alone[0], ...alone[1]];
      expect(packed.data.length).toBe(both.length);
      const worst = Math.max(...both.map((v, i) => Math.abs(v - packed.data[i])));
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('rejects positions that do not restart at 0 or count up by one', () => {
    const m = createGPT(cfg, 1);
    const x = new Int32Array(4);
    expect(() => m.forward(x, 1, 4, { positions: Int32Array.from([0, 1, 3, 4]) })).toThrow(
      /position 3 at row 0, column 2 must be 0 or follow the previous one/,
    );
    expect(() => m.forward(x, 2, 2, { positions: Int32Array.from([0, 1, 1, 2]) })).toThrow(/row 1, column 0/);
    expect(() => m.forward(x, 1, 4, { positions: Int32Array.from([0, 1]) })).toThrow(/expected B\*T = 4/);
  });

  it('with rotary positions: no position embedding, and it trains', () => {
    const model = createGPT({ ...cfg, positions: 'rope' }, 3);
    expect(model.wpe).toBeNull();
    expect(model.namedParameters().some((p) => p.name === 'wpe.weight')).toBe(false);
    const losses = train(3, 60, undefined, model);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
  });
});

describe('KV cache, sampling and log-probs', () => {
  const model = createGPT(cfg, 5);
  train(5, 30, undefined, model);
  const seq = ids.slice(0, 20);

  /** Largest gap between full-recompute logits and a prefill of `prefill` tokens + one-token decoding. */
  const cacheGap = (m: GPT, prefill: number, slot: number): number => {
    const full = noGrad(() => m.forward(Int32Array.from(seq), 1, 20)).data;
    const cache = new KVCache(m, slot + 1);
    const parts = [
      forwardCached(m, cache, [{ slot, tokens: seq.slice(0, prefill) }], { allLogits: true }),
      ...seq.slice(prefill).map((t) => forwardCached(m, cache, [{ slot, tokens: [t] }])),
    ];
    const inc = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    let maxDiff = 0;
    for (let i = 0; i < full.length; i++) maxDiff = Math.max(maxDiff, Math.abs(full[i] - inc[i]));
    return maxDiff;
  };

  it('KV-cache logits equal a full recompute', () => {
    expect(cacheGap(model, 7, 1)).toBeLessThan(1e-4);
  });

  it('KV-cache logits equal a full recompute with rotary positions', () => {
    const rope = createGPT({ ...cfg, positions: 'rope' }, 6);
    train(6, 30, undefined, rope);
    expect(cacheGap(rope, 5, 0)).toBeLessThan(1e-4);
  });

  it('KV-cache logits equal a full recompute with previous-token embeddings', () => {
    const m = createGPT({ ...cfg, positions: 'rope', prevTokens: 3 }, 7);
    train(7, 30, undefined, m);
    expect(cacheGap(m, 6, 1)).toBeLessThan(1e-4);
  });

  it("a sample's tokens depend only on its seed and prompt, not on the batch", () => {
    const alone = sample(model, { prompts: [[1, 2, 3]], seeds: [11], maxNewTokens: 12 });
    const batched = sample(model, {
      prompts: [[5], [1, 2, 3], [7, 8, 9, 10, 11]],
      seeds: [4, 11, 9],
      maxNewTokens: 12,
    });
    expect(batched[1].tokens).toEqual(alone[0].tokens);
    expect(alone[0].tokens).toHaveLength(12);
    expect(alone[0].finishReason).toBe('length');
    const other = sample(model, { prompts: [[1, 2, 3]], seeds: [12], maxNewTokens: 12, temperature: 2 });
    expect(other[0].tokens).not.toEqual(alone[0].tokens);
  });

  it('a copied cache slot continues exactly as the slot it was copied from', () => {
    const m = createGPT({ ...cfg, positions: 'rope', prevTokens: 3 }, 8);
    train(8, 20, undefined, m);
    const cache = new KVCache(m, 3);
    forwardCached(m, cache, [{ slot: 2, tokens: seq.slice(0, 9) }]);
    cache.copySlot(2, 0);
    expect(cache.len[0]).toBe(9);
    const next = forwardCached(m, cache, [
      { slot: 0, tokens: seq.slice(9, 12) },
      { slot: 2, tokens: seq.slice(9, 12) },
    ]);
    const V = m.config.vocab;
    expect(Array.from(next.subarray(0, V))).toEqual(Array.from(next.subarray(V, 2 * V)));
    const fresh = new KVCache(m, 1);
    const alone = forwardCached(m, fresh, [{ slot: 0, tokens: seq.slice(0, 12) }]);
    for (let j = 0; j < V; j++) expect(next[j]).toBeCloseTo(alone[j], 4);
    expect(() => cache.copySlot(0, 3)).toThrow(/out of range/);
  });

  it('samples of one prompt share its prefill and match samples drawn alone', () => {
    const opts = { maxNewTokens: 10, stopTokens: [seq[7]] };
    const shared = sample(model, {
      ...opts,
      prompts: [seq.slice(0, 6), [4], seq.slice(0, 6)],
      seeds: [3, 4, 5],
    });
    for (const [i, seed] of [
      [0, 3],
      [2, 5],
    ]) {
      const [alone] = sample(model, { ...opts, prompts: [seq.slice(0, 6)], seeds: [seed] });
      expect(shared[i].tokens).toEqual(alone.tokens);
      expect(shared[i].finishReason).toBe(alone.finishReason);
      shared[i].logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(alone.logprobs[t], 4));
    }
    expect(shared[0].tokens).not.toEqual(shared[2].tokens);
  });

  it('stops on stop tokens, respects the context, and greedy is deterministic', () => {
    const greedy = sample(model, {
      prompts: [seq.slice(0, 4)],
      seeds: [1],
      maxNewTokens: 10,
      temperature: 0,
    });
    const again = sample(model, { prompts: [seq.slice(0, 4)], seeds: [2], maxNewTokens: 10, temperature: 0 });
    expect(again[0].tokens).toEqual(greedy[0].tokens);
    const stopAt = greedy[0].tokens[3];
    const stopped = sample(model, {
      prompts: [seq.slice(0, 4)],
      seeds: [1],
      maxNewTokens: 10,
      temperature: 0,
      stopTokens: [stopAt],
    });
    expect(stopped[0].finishReason).toBe('stop');
    expect(stopped[0].stopToken).toBe(stopAt);
    expect(stopped[0].tokens).toEqual(greedy[0].tokens.slice(0, greedy[0].tokens.indexOf(stopAt)));
    const long = sample(model, { prompts: [seq.slice(0, 20)], seeds: [1], maxNewTokens: 50, topP: 0.9 });
    expect(long[0].tokens).toHaveLength(4); // ctx 24 − prompt 20
    expect(() => sample(model, { prompts: [[1]], seeds: [], maxNewTokens: 1 })).toThrow(
      /1 prompts but 0 seeds/,
    );
  });

  it('sampled log-probs, differentiable log-probs and fast scoring agree', () => {
    const [s] = sample(model, { prompts: [[1, 2]], seeds: [3], maxNewTokens: 8 });
    const full = [1, 2, ...s.tokens];
    const fast = scoreLogProbs(model, [full, [4, 5, 6]]);
    const diff = sequenceLogProbs(model, [full, [4, 5, 6]], { entropy: true });
    const L = diff.length;
    expect(diff.logprobs.shape).toEqual([2, L - 1]);
    for (let t = 0; t < s.tokens.length; t++) {
      expect(fast[0][t + 1]).toBeCloseTo(s.logprobs[t], 4);
      expect(diff.logprobs.data[t + 1]).toBeCloseTo(s.logprobs[t], 4);
    }
    expect(fast[1]).toHaveLength(2);
    expect(Array.from(diff.mask.subarray(L - 1, 2 * (L - 1)))).toEqual([1, 1, ...new Array(L - 3).fill(0)]);
    expect(diff.entropy!.data[0]).toBeGreaterThan(0);
  });

  it('log-probs at a temperature are the log-softmax of logits ÷ T, in both scorers', () => {
    const seq = [1, 2, 3, 4, 5];
    const T = 0.5;
    const logits = model.forward(Int32Array.from(seq), 1, seq.length).data;
    const V = model.config.vocab;
    const fast = scoreLogProbs(model, [seq], { temperature: T })[0];
    const diff = sequenceLogProbs(model, [seq], { temperature: T, entropy: true });
    const plain = scoreLogProbs(model, [seq])[0];
    for (let t = 0; t + 1 < seq.length; t++) {
      const row = Array.from(logits.subarray(t * V, (t + 1) * V), (x) => x / T);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((z, x) => z + Math.exp(x - max), 0));
      expect(fast[t]).toBeCloseTo(row[seq[t + 1]] - lse, 4);
      expect(diff.logprobs.data[t]).toBeCloseTo(row[seq[t + 1]] - lse, 4);
      expect(fast[t]).not.toBeCloseTo(plain[t], 3);
    }
    expect(() => scoreLogProbs(model, [seq], { temperature: 0 })).toThrow(/temperature must be > 0/);
  });

  it('completion log-probs are the padded ones at the completion positions, gradients included', () => {
    const seqs = [
      [1, 2, 3, 4, 5, 6, 7],
      [4, 5, 6],
      [7, 1, 2, 3],
    ];
    const from = [2, 0, 3];
    const T = 0.7;
    const grads = (loss: () => void) => {
      model.zeroGrad();
      loss();
      return model.parameters().map((p) => Float32Array.from(p.grad ?? []));
    };
    let full!: ReturnType<typeof sequenceLogProbs>;
    const gFull = grads(() => {
      full = sequenceLogProbs(model, seqs, { temperature: T, entropy: true });
      // Σ over the completion positions of (log p + H): a weighted sum over the padded grid.
      const w = new Float32Array(full.mask.length);
      seqs.forEach((s, b) => {
        for (let t = from[b]; t + 1 < s.length; t++) w[b * (full.length - 1) + t] = 1;
      });
      const weights = new Tensor(w, full.logprobs.shape);
      sum(add(mul(full.logprobs, weights), mul(full.entropy!, weights))).backward();
    });
    let part!: ReturnType<typeof completionLogProbs>;
    const gPart = grads(() => {
      part = completionLogProbs(model, seqs, from, { temperature: T, entropy: true });
      sum(add(part.logprobs, part.entropy!)).backward();
    });
    expect(part.counts).toEqual([4, 2, 0]);
    let i = 0;
    seqs.forEach((s, b) => {
      for (let t = from[b]; t + 1 < s.length; t++, i++) {
        expect(part.logprobs.data[i]).toBeCloseTo(full.logprobs.data[b * (full.length - 1) + t], 5);
        expect(part.entropy!.data[i]).toBeCloseTo(full.entropy!.data[b * (full.length - 1) + t], 5);
      }
    });
    gFull.forEach((g, k) => g.forEach((x, j) => expect(gPart[k][j]).toBeCloseTo(x, 4)));
    expect(() => completionLogProbs(model, seqs, [0, 3, 0])).toThrow(/start 3 is outside sequence 1/);
  });

  it("the sampler's policy log-probs are the scorer's at its temperature, the stop token included", () => {
    const T = 0.7;
    const free = sample(model, { prompts: [[1, 2]], seeds: [5], maxNewTokens: 12, temperature: T });
    const stopAt = free[0].tokens[5];
    const [s] = sample(model, {
      prompts: [[1, 2]],
      seeds: [5],
      maxNewTokens: 12,
      temperature: T,
      stopTokens: [stopAt],
    });
    expect(s.finishReason).toBe('stop');
    const acted = [...s.tokens, stopAt];
    expect(s.policyLogprobs).toHaveLength(acted.length);
    const scored = scoreLogProbs(model, [[1, 2, ...acted]], { temperature: T })[0];
    acted.forEach((_, t) => expect(s.policyLogprobs[t]).toBeCloseTo(scored[t + 1], 4));
    const plain = scoreLogProbs(model, [[1, 2, ...acted]])[0];
    expect(s.policyLogprobs[0]).not.toBeCloseTo(plain[1], 3);
    const [greedy] = sample(model, { prompts: [[1, 2]], seeds: [5], maxNewTokens: 4, temperature: 0 });
    expect(greedy.policyLogprobs).toEqual([0, 0, 0, 0]);
  });
});
