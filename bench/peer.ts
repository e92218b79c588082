// Shared pieces of the engine benchmarks: the three anchor configs, the PyTorch peer runner
// (torch_tiny_gpt.py under Debian's /usr/bin/python3, 2 threads) and the sgemm peak anchor. The peer is
// looked up in $QED_TORCH_PEER_DIR, ../shared/peers, then bench/peers; when it cannot run, results are null.
// Also the flags every engine benchmark takes and the alternating ours/peer passes loop.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchConfig {
  name: 'tiny' | 'small' | 'medium';
  layers: number;
  dModel: number;
  heads: number;
  ctx: number;
  vocab: number;
  batch: number;
  /** Train steps including 3 warm-up steps (the peer README's counts). */
  steps: number;
}

export const CONFIGS: BenchConfig[] = [
  { name: 'tiny', layers: 2, dModel: 64, heads: 4, ctx: 128, vocab: 512, batch: 16, steps: 40 },
  { name: 'small', layers: 4, dModel: 128, heads: 4, ctx: 256, vocab: 1024, batch: 16, steps: 23 },
  { name: 'medium', layers: 6, dModel: 256, heads: 8, ctx: 256, vocab: 2048, batch: 8, steps: 13 },
];

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function peerDir(): string | null {
  const dirs = [process.env.QED_TORCH_PEER_DIR, join(repo, '../shared/peers'), join(repo, 'bench/peers')];
  return dirs.find((d): d is string => !!d && existsSync(join(d, 'torch_tiny_gpt.py'))) ?? null;
}

const PYTHON = '/usr/bin/python3';

/** Run the PyTorch peer; returns its JSON line or null (with the reason on stderr). */
export function runTorchPeer(
  cfg: BenchConfig,
  mode: 'train' | 'generate',
  steps: number,
): Record<string, unknown> | null {
  const dir = peerDir();
  if (!dir || !existsSync(PYTHON)) {
    console.error('torch peer: not found (need /usr/bin/python3 and torch_tiny_gpt.py)');
    return null;
  }
  const args = [
    join(dir, 'torch_tiny_gpt.py'),
    ...['--layers', cfg.layers, '--d-model', cfg.dModel, '--heads', cfg.heads, '--ctx', cfg.ctx],
    ...['--vocab', cfg.vocab, '--batch', cfg.batch, '--steps', steps, '--threads', 2, '--mode', mode],
  ].map(String);
  const res = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 600_000 });
  const line = res.stdout?.trim().split('\n').pop();
  if (res.status !== 0 || !line) {
    console.error(`torch peer failed: ${(res.stderr || res.error?.message || '').trim().slice(-500)}`);
    return null;
  }
  return JSON.parse(line) as Record<string, unknown>;
}

/** Median 2-thread sgemm GFLOP/s at n=1024 from the numpy anchor, or null. */
export function sgemmPeak(): number | null {
  const dir = peerDir();
  if (!dir || !existsSync(join(dir, 'sgemm_peak.py'))) return null;
  const res = spawnSync(
    PYTHON,
    [join(dir, 'sgemm_peak.py'), '--threads', '2', '--sizes', '1024', '--reps', '6'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const line = res.stdout?.trim().split('\n').pop();
  if (res.status !== 0 || !line) return null;
  return (JSON.parse(line) as { gflops_median: number }).gflops_median;
}

/** Forward FLOPs of one sequence batch (matmuls incl. full T×T attention, as conventionally counted). */
export function forwardFlops(cfg: BenchConfig, B: number, T: number): number {
  const C = cfg.dModel;
  const tokens = B * T;
  return 2 * tokens * (cfg.layers * 12 * C * C + cfg.vocab * C) + cfg.layers * 4 * B * T * T * C;
}

export function pickConfigs(argv: string[]): BenchConfig[] {
  const i = argv.indexOf('--configs');
  if (i < 0) return CONFIGS;
  const names = argv[i + 1]?.split(',') ?? [];
  const chosen = CONFIGS.filter((c) => names.includes(c.name));
  if (chosen.length === 0) throw new Error(`--configs: choose from ${CONFIGS.map((c) => c.name).join(',')}`);
  return chosen;
}

export const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

export interface BenchArgs {
  withTorch: boolean;
  passes: number;
  /** sgemm peak in GFLOP/s, measured only when the peer runs. */
  peak: number | null;
}

/** The flags every engine benchmark takes: --no-torch and --passes N (default 2, at least 1). */
export function benchArgs(argv: string[]): BenchArgs {
  const withTorch = !argv.includes('--no-torch');
  const passesArg = argv.indexOf('--passes');
  const passes = passesArg >= 0 ? Math.max(1, Number(argv[passesArg + 1]) || 1) : 2;
  return { withTorch, passes, peak: withTorch ? sgemmPeak() : null };
}

export interface PassResults<T> {
  oursRuns: T[];
  /** The peer's tokens/s of every pass it completed. */
  torchRuns: number[];
  /** The peer's full result of its last completed pass. */
  lastTorch: Record<string, unknown> | null;
  /** Our fastest pass and the peer's (null when it never ran). */
  ours: T;
  torchTps: number | null;
}

/**
 * Alternate ours / torch for several passes and keep each side's best: the machine is shared, and the
 * best pass is the least disturbed estimate of each engine's speed. `runTorch` is null without the peer.
 */
export function alternatePasses<T extends { tokensPerS: number }>(
  passes: number,
  runOurs: () => T,
  runTorch: (() => Record<string, unknown> | null) | null,
): PassResults<T> {
  const oursRuns: T[] = [];
  const torchRuns: number[] = [];
  let lastTorch: Record<string, unknown> | null = null;
  for (let p = 0; p < passes; p++) {
    oursRuns.push(runOurs());
    const t = runTorch ? runTorch() : null;
    if (t) {
      lastTorch = t;
      torchRuns.push(Number(t.tokens_per_s));
    }
  }
  const ours = oursRuns.reduce((a, b) => (b.tokensPerS > a.tokensPerS ? b : a));
  const torchTps = torchRuns.length ? Math.max(...torchRuns) : null;
  return { oursRuns, torchRuns, lastTorch, ours, torchTps };
}
