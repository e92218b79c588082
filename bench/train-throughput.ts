// Training throughput of the tiny engine against the PyTorch peer, side by side in one run: for each
// anchor config, random tokens, forward + cross-entropy + backward + AdamW, 3 untimed warm-up steps.
// Prints one JSON line per config. Usage: npm run bench:train [-- --configs tiny,small] [--no-torch] [--passes 2]
import { Rng } from '../src/core/rng.ts';
import { AdamW, backendInfo, createGPT, crossEntropy } from '../src/tiny/index.ts';
import {
  alternatePasses,
  benchArgs,
  forwardFlops,
  pickConfigs,
  round,
  runTorchPeer,
  type BenchConfig,
} from './peer.ts';

const WARMUP = 3;

function trainOurs(cfg: BenchConfig): {
  tokensPerS: number;
  msPerStep: number;
  lossFirst: number;
  lossLast: number;
} {
  const model = createGPT(
    { vocab: cfg.vocab, ctx: cfg.ctx, layers: cfg.layers, dModel: cfg.dModel, heads: cfg.heads },
    1234,
  );
  const opt = new AdamW(model.namedParameters(), {
    lr: 3e-4,
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
    weightDecay: 0.1,
  });
  const rng = new Rng(1235);
  const { batch: B, ctx: T } = cfg;
  const times: number[] = [];
  const losses: number[] = [];
  for (let s = 0; s < cfg.steps; s++) {
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) {
      x[i] = rng.int(0, cfg.vocab - 1);
      y[i] = rng.int(0, cfg.vocab - 1);
    }
    const t0 = performance.now();
    const loss = crossEntropy(model.forward(x, B, T), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
    times.push(performance.now() - t0);
  }
  const timed = times.slice(WARMUP);
  const total = timed.reduce((a, b) => a + b, 0) / 1000;
  return {
    tokensPerS: (B * T * timed.length) / total,
    msPerStep: (1000 * total) / timed.length,
    lossFirst: losses[0],
    lossLast: losses[losses.length - 1],
  };
}

const argv = process.argv.slice(2);
const { withTorch, passes, peak } = benchArgs(argv);
console.error(
  `backend: ${backendInfo().name}${backendInfo().fallbackReason ? ` (${backendInfo().fallbackReason})` : ''}`,
);
for (const cfg of pickConfigs(argv)) {
  const {
    oursRuns,
    torchRuns,
    lastTorch: torch,
    ours,
    torchTps,
  } = alternatePasses(
    passes,
    () => trainOurs(cfg),
    withTorch ? () => runTorchPeer(cfg, 'train', cfg.steps) : null,
  );
  const flopsPerToken = (3 * forwardFlops(cfg, cfg.batch, cfg.ctx)) / (cfg.batch * cfg.ctx);
  const gf = (tps: number) => round((tps * flopsPerToken) / 1e9);
  console.log(
    JSON.stringify({
      config: cfg.name,
      mode: 'train',
      ours_tokens_per_s: round(ours.tokensPerS),
      torch_tokens_per_s: torchTps,
      ratio: torchTps ? round(ours.tokensPerS / torchTps, 2) : null,
      passes,
      ours_tokens_per_s_passes: oursRuns.map((r) => round(r.tokensPerS)),
      torch_tokens_per_s_passes: torchRuns,
      ours_ms_per_step: round(ours.msPerStep),
      ours_gflops: gf(ours.tokensPerS),
      torch_gflops: torchTps ? gf(torchTps) : null,
      sgemm_peak_gflops: peak,
      ours_fraction_of_peak: peak ? round(gf(ours.tokensPerS) / peak, 2) : null,
      ours_loss_first: round(ours.lossFirst, 4),
      ours_loss_last: round(ours.lossLast, 4),
      torch_loss_first: torch?.loss_first ?? null,
      backend: backendInfo().name,
    }),
  );
}
