import { describe, expect, it } from 'vitest';
import { Tensor } from '../tiny/tensor.ts';
import { clippedObjective, groupAdvantages, grpoLoss } from './grpo-math.ts';

describe('group advantages (reward − group mean, no std division)', () => {
  it.each([
    ['spread', [1, 0, 0.5, 0.5], [0.5, -0.5, 0, 0]],
    ['all equal → all zero', [0.3, 0.3, 0.3], [0, 0, 0]],
    ['no std division: a tiny spread stays tiny', [0.01, 0], [0.005, -0.005]],
    ['null excluded from the mean, not scored 0', [1, null, 0], [0.5, null, -0.5]],
    ['all null', [null, null], [null, null]],
    ['single sample', [0.7], [0]],
  ] as Array<[string, Array<number | null>, Array<number | null>]>)('%s', (_n, rewards, want) => {
    const got = groupAdvantages(rewards);
    got.forEach((g, i) => {
      if (want[i] === null) expect(g).toBeNull();
      else expect(g).toBeCloseTo(want[i]!, 12);
    });
  });
});

describe('clipped importance-ratio objective min(r·A, clip(r, 1−ε, 1+ε)·A)', () => {
  const l = Math.log;
  it.each([
    // [name, new logprob, old logprob, A, eps, value, clipped]
    ['on-policy r = 1', l(0.5), l(0.5), 2, 0.2, 2, false],
    ['r above 1+ε, A > 0: clipped', l(0.6), l(0.4), 1, 0.2, 1.2, true],
    ['r above 1+ε, A < 0: unclipped (pessimistic)', l(0.6), l(0.4), -1, 0.2, -1.5, false],
    ['r below 1−ε, A < 0: clipped', l(0.2), l(0.4), -1, 0.2, -0.8, true],
    ['r below 1−ε, A > 0: unclipped', l(0.2), l(0.4), 1, 0.2, 0.5, false],
    ['inside the band', l(0.42), l(0.4), 1, 0.2, 1.05, false],
    ['zero advantage', l(0.9), l(0.1), 0, 0.2, 0, false],
    ['ε = 4 is nearly unclipped', l(0.9), l(0.3), 1, 4, 3, false],
  ] as Array<[string, number, number, number, number, number, boolean]>)(
    '%s',
    (_n, nw, old, a, eps, value, clipped) => {
      const r = clippedObjective(nw, old, a, eps);
      expect(r.value).toBeCloseTo(value, 6);
      expect(r.clipped).toBe(clipped);
    },
  );
});

describe('grpoLoss (tensor) agrees with the scalar definition and its gradient', () => {
  it('value, gradient, clip fraction and entropy bonus', () => {
    const newLp = [Math.log(0.6), Math.log(0.2), Math.log(0.42), Math.log(0.5)];
    const oldLp = [Math.log(0.4), Math.log(0.4), Math.log(0.4), Math.log(0.5)];
    const adv = [1, -1, 1, 2];
    const mask = [1, 1, 1, 0];
    const ent = [0.5, 1, 1.5, 2];
    const lp = new Tensor(Float32Array.from(newLp), [2, 2], true);
    const H = new Tensor(Float32Array.from(ent), [2, 2], true);
    const N = 3;
    const { loss, stats } = grpoLoss(
      {
        logprobs: lp,
        entropy: H,
        oldLogprobs: Float32Array.from(oldLp),
        advantages: Float32Array.from(adv),
        mask: Float32Array.from(mask),
        normalizer: N,
      },
      { eps: 0.2, entropyCoef: 0.1 },
    );
    let want = 0;
    let clipped = 0;
    for (let i = 0; i < 4; i++) {
      if (!mask[i]) continue;
      const o = clippedObjective(newLp[i], oldLp[i], adv[i], 0.2);
      want -= o.value / N + (0.1 * ent[i]) / N;
      if (o.clipped) clipped++;
    }
    expect(loss.data[0]).toBeCloseTo(want, 5);
    expect(stats.clipFraction).toBeCloseTo(clipped / 3, 6);
    expect(stats.tokens).toBe(3);
    loss.backward();
    // d(−r·A/N)/d(lp) = −r·A/N where unclipped; 0 where the clip binds; 0 off the mask.
    const g = lp.grad!;
    expect(g[0]).toBeCloseTo(0, 6);
    expect(g[1]).toBeCloseTo(0, 6);
    expect(g[2]).toBeCloseTo((-1.05 * 1) / N, 5);
    expect(g[3]).toBeCloseTo(0, 6);
    expect(H.grad![0]).toBeCloseTo(-0.1 / N, 6);
    expect(H.grad![3]).toBeCloseTo(0, 6);
  });
});
