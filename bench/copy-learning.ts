// How many steps a model of the demo's size (2 layers, d 64, 4 heads) needs to learn to copy a span it
// has seen earlier in its context: the skill a reasoning-cache refinement needs to carry a summary's
// values into its proof. Each row is random tokens with one span of `--span` tokens repeated later;
// loss is taken only on the repeat after its first token, so chance is ln(vocab - 1) and 0 means a
// perfect copy. `--place fixed` puts both spans at the same positions in
// every row (copying is then a fixed-position lookup); `random` moves them and the gap between them,
// as in real prompts, which needs a content-matching (induction) circuit.
// `--positions rope` swaps learned absolute positions for rotary ones (relative attention).
// `--prev-tokens k` adds embeddings of the k previous tokens (GPTConfig.prevTokens).
// Usage: node --import tsx bench/copy-learning.ts [--place random|fixed] [--positions learned|rope]
//        [--prev-tokens 0]
//        [--steps 3000] [--ctx 128] [--vocab 64] [--span 12]
import { Rng } from '../src/core/rng.ts';
import { AdamW, clipGradNorm, createGPT, crossEntropy } from '../src/tiny/index.ts';
import { numberArg } from './args.ts';

/** A `--name value` option that must be one of `allowed` (the first is the default). */
function choice<T extends string>(name: string, allowed: readonly T[]): T {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : allowed[0];
  if (!allowed.includes(v as T)) {
    console.error(`--${name} must be ${allowed.join(' or ')} (got ${JSON.stringify(v)})`);
    process.exit(2);
  }
  return v as T;
}
const place = choice('place', ['random', 'fixed'] as const);
const positions = choice('positions', ['learned', 'rope'] as const);
const prevTokens = numberArg('prev-tokens', 0);
const steps = numberArg('steps', 3000);
const T = numberArg('ctx', 128);
const V = numberArg('vocab', 64);
const N = numberArg('span', 12);
const B = 8;

const model = createGPT({ vocab: V, ctx: T, layers: 2, dModel: 64, heads: 4, positions, prevTokens }, 1);
const opt = new AdamW(model.namedParameters(), { lr: 3e-3, weightDecay: 0 });
const rng = new Rng(1);
console.log(
  `copy a ${N}-token span, ${place} placement, ${positions} positions${prevTokens ? ` + ${prevTokens} previous-token embeddings` : ''}, ctx ${T}, vocab ${V}; chance ${Math.log(V - 1).toFixed(2)}`,
);
const t0 = performance.now();
for (let step = 1; step <= steps; step++) {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++) {
    const seq = Array.from({ length: T + 1 }, () => rng.int(1, V - 1));
    const from = place === 'fixed' ? 0 : rng.int(0, T - 2 * N - 8);
    const to = from + N + (place === 'fixed' ? 0 : rng.int(0, 6));
    for (let i = 0; i < N; i++) seq[to + i] = seq[from + i];
    for (let t = 0; t < T; t++) {
      x[b * T + t] = seq[t];
      if (t + 1 > to && t + 1 < to + N) y[b * T + t] = seq[t + 1];
    }
  }
  const loss = crossEntropy(model.forward(x, B, T), y);
  opt.zeroGrad();
  loss.backward();
  clipGradNorm(model.namedParameters(), 1);
  opt.step();
  if (step % 250 === 0 || step === 1)
    console.log(
      `step ${step}: loss ${loss.data[0].toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
}
