// Sampling throughput of the tiny engine (KV cache, batched, temperature 1) against the PyTorch peer's
// generate mode, side by side: B random 16-token prompts, min(128, ctx − 16) new tokens each, one
// untimed warm-up round then 3 timed rounds. Usage: npm run bench:sample [-- --configs tiny] [--no-torch] [--passes 2]
import { Rng } from '../src/core/rng.ts';
import { backendInfo, createGPT, sample } from '../src/tiny/index.ts';
import {
  alternatePasses,
  benchArgs,
  forwardFlops,
  pickConfigs,
  round,
  runTorchPeer,
  type BenchConfig,
} from './peer.ts';

const PROMPT = 16;
const ROUNDS = 3;

function sampleOurs(cfg: BenchConfig): { tokensPerS: number; newTokens: number } {
  const model = createGPT(
    { vocab: cfg.vocab, ctx: cfg.ctx, layers: cfg.layers, dModel: cfg.dModel, heads: cfg.heads },
    1234,
  );
  const rng = new Rng(1237);
  const prompts = Array.from({ length: cfg.batch }, () =>
    Array.from({ length: PROMPT }, () => rng.int(0, cfg.vocab - 1)),
  );
  const newTokens = Math.min(128, cfg.ctx - PROMPT);
  let generated = 0;
  let seconds = 0;
  for (let r = 0; r <= ROUNDS; r++) {
    const seeds = prompts.map((_p, i) => r * 1000 + i);
    const t0 = performance.now();
    const out = sample(model, { prompts, seeds, maxNewTokens: newTokens, temperature: 1 });
    const dt = (performance.now() - t0) / 1000;
    if (out.some((o) => o.tokens.length !== newTokens)) throw new Error('sampler stopped early');
    if (r === 0) continue; // warm-up round
    seconds += dt;
    generated += cfg.batch * newTokens;
  }
  return { tokensPerS: generated / seconds, newTokens };
}

const argv = process.argv.slice(2);
const { withTorch, passes, peak } = benchArgs(argv);
console.error(
  `backend: ${backendInfo().name}${backendInfo().fallbackReason ? ` (${backendInfo().fallbackReason})` : ''}`,
);
for (const cfg of pickConfigs(argv)) {
  const { oursRuns, torchRuns, ours, torchTps } = alternatePasses(
    passes,
    () => sampleOurs(cfg),
    withTorch ? () => runTorchPeer(cfg, 'generate', ROUNDS) : null,
  );
  // Decode FLOPs per token: one row through every matmul plus attention over ~half the context.
  const flopsPerToken = forwardFlops(cfg, 1, 1) + cfg.layers * 4 * (PROMPT + ours.newTokens / 2) * cfg.dModel;
  const gf = (tps: number) => round((tps * flopsPerToken) / 1e9, 2);
  console.log(
    JSON.stringify({
      config: cfg.name,
      mode: 'sample',
      ours_tokens_per_s: round(ours.tokensPerS),
      torch_tokens_per_s: torchTps,
      ratio: torchTps ? round(ours.tokensPerS / torchTps, 2) : null,
      passes,
      ours_tokens_per_s_passes: oursRuns.map((r) => round(r.tokensPerS)),
      torch_tokens_per_s_passes: torchRuns,
      new_tokens: ours.newTokens,
      batch: cfg.batch,
      ours_gflops: gf(ours.tokensPerS),
      torch_gflops: torchTps ? gf(torchTps) : null,
      sgemm_peak_gflops: peak,
      backend: backendInfo().name,
    }),
  );
}
