// Eval-runner throughput benchmark: `qed eval`'s runner against the in-repo mock OpenAI server at a
// fixed latency, measuring attempts/s against the concurrency/latency limit, harness CPU per request
// (over the whole run, and marginal: the full run less a half-size one) and peak RSS at 1k vs 100k
// samples; then the same workload through promptfoo when PROMPTFOO_DIR names an install (reported null
// otherwise). The mock server, the harness and promptfoo each run in
// their own process. Run: `node --import tsx bench/eval-throughput.ts [--quick]`; prints a table
// and one JSON line.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const [mode, ...args] = process.argv.slice(2);

if (mode === 'serve') await serve(Number(args[0]));
else if (mode === 'harness') await harness(args[0], Number(args[1]), Number(args[2]), Number(args[3]));
else await main(process.argv.includes('--quick'));

/** Child: the mock server, printing its base URL; exits when stdin closes. */
async function serve(latencyMs: number): Promise<void> {
  const { startMockServer } = await import('../src/server/mock-openai-server.ts');
  const server = await startMockServer({
    latencyMs,
    respond: () => 'A short proof. QED',
    recordCalls: false,
  });
  process.stdout.write(`${server.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

/** Child: runEval over `problems` × `samples` attempts with a "contains QED" grader; prints one JSON line. */
async function harness(
  baseUrl: string,
  problems: number,
  samples: number,
  concurrency: number,
): Promise<void> {
  process.env.OPENAI_API_KEY ??= 'dummy';
  const { createProvider, createMockProvider } = await import('../src/providers/index.ts');
  const { runEval } = await import('../src/eval/index.ts');
  const { emptyUsage } = await import('../src/core/usage.ts');
  type Grader = import('../src/grading/types.ts').Grader;
  const info = { kind: 'programmatic', scheme: 'contains-QED' };
  const grader: Grader = {
    info,
    grade: async ({ attempt }) => ({
      attemptId: `${attempt.problemId}#${attempt.sampleIndex}`,
      problemId: attempt.problemId,
      sampleIndex: attempt.sampleIndex,
      score: attempt.finalProof.includes('QED') ? 7 : 0,
      assessment: '',
      errors: [],
      grader: info,
      usage: emptyUsage(),
    }),
  };
  const list = Array.from({ length: problems }, (_, i) => {
    const id = `P${String(i).padStart(5, '0')}`;
    return { id, statement: `Prove that the statement about problem ${id} holds.` };
  });
  // `inproc:LATENCY` replaces HTTP with the in-process mock provider: what is left is the harness alone
  // (scaffold, runner, logs, grading pipeline, run.json).
  const provider = baseUrl.startsWith('inproc:')
    ? createMockProvider({ latencyMs: Number(baseUrl.slice(7)), respond: () => 'A short proof. QED' })
    : await createProvider({
        model: 'mock-prover',
        cache: false,
        concurrency,
        maxRetries: 0,
        env: { ...process.env, OPENAI_BASE_URL: baseUrl },
      });
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  // With --expose-gc: the largest live heap after a full collection, sampled every second (what the
  // run retains, as opposed to garbage V8 has not collected yet).
  const gc = (globalThis as { gc?: () => void }).gc;
  let peakLive = 0;
  const liveTimer = setInterval(() => {
    if (!gc) return;
    gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 1000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await runEval({
    problems: list,
    provider,
    grader,
    samples,
    concurrency,
    root: mkdtempSync(join(tmpdir(), 'qed-bench-')),
    progress: false,
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  clearInterval(liveTimer);
  if (gc) {
    // A run shorter than the sampling interval is measured here.
    gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await provider.close?.();
  const n = problems * samples;
  process.stdout.write(
    `${JSON.stringify({
      attempts: n,
      concurrency,
      wall_s: round(wall, 2),
      attempts_per_s: round(n / wall, 1),
      cpu_ms_per_request: round((cpu.user + cpu.system) / 1000 / n, 3),
      peak_rss_mb: round(peakRss / 2 ** 20, 1),
      peak_live_heap_mb: gc ? round(peakLive / 2 ** 20, 1) : null,
      mean_call_latency_ms: round(res.metrics.latencyMsPerSample ?? NaN, 1),
      mean: res.metrics.mean,
      generation_errors: res.metrics.generationErrors,
    })}\n`,
  );
}

async function main(quick: boolean): Promise<void> {
  const latency = 200;
  const concurrency = 64;
  const limit = concurrency / (latency / 1000);
  const out: Record<string, unknown> = { latency_ms: latency, concurrency, limit_per_s: limit };

  const slow = await startServer(latency);
  try {
    const n = quick ? 640 : 2000;
    const t = await timed(() => runChild(['harness', slow.url, String(n), '1', String(concurrency)]));
    const observed = concurrency / ((t.result.mean_call_latency_ms as number) / 1000);
    out.qed = {
      ...t.result,
      process_wall_s: t.wall,
      fraction_of_limit: round((t.result.attempts_per_s as number) / limit, 3),
      // Against the latency the calls really had on this machine (Little's law): the harness's own share.
      fraction_of_observed_limit: round((t.result.attempts_per_s as number) / observed, 3),
    };
    // The same run at half the size: the difference is the CPU of n/2 requests without the start-up
    // (JIT warm-up) and per-run costs that the whole-run figure spreads over every request.
    const half = await runChild(['harness', slow.url, String(n / 2), '1', String(concurrency)]);
    const cpuOf = (r: Record<string, number>) => r.cpu_ms_per_request * r.attempts;
    out.qed_marginal_cpu_ms_per_request = round((cpuOf(t.result) - cpuOf(half)) / (n / 2), 3);
    const inproc = await runChild(['harness', `inproc:${latency}`, String(n), '1', String(concurrency)]);
    out.qed_in_process = { ...inproc, fraction_of_limit: round(inproc.attempts_per_s / limit, 3) };
    out.promptfoo = await promptfoo(slow.url, quick ? 640 : 1000, concurrency);
  } finally {
    slow.stop();
  }

  const fast = await startServer(1);
  try {
    const small = await runChild(['harness', fast.url, '1000', '1', String(concurrency)], ['--expose-gc']);
    const bigN = quick ? 10_000 : 100_000;
    const big = await runChild(
      ['harness', fast.url, '1000', String(bigN / 1000), String(concurrency)],
      ['--expose-gc'],
    );
    out.memory = {
      latency_ms: 1,
      small,
      big,
      rss_ratio: round((big.peak_rss_mb as number) / (small.peak_rss_mb as number), 2),
    };
  } finally {
    fast.stop();
  }
  process.stdout.write(`${report(out)}\n${JSON.stringify(out)}\n`);
}

/** promptfoo 0.118 on the same server: one call + a "contains QED" assertion per case. */
async function promptfoo(
  baseUrl: string,
  cases: number,
  concurrency: number,
): Promise<Record<string, unknown> | null> {
  const dir = process.env.PROMPTFOO_DIR;
  const bin = dir && join(dir, 'node_modules', '.bin', 'promptfoo');
  if (!bin || !existsSync(bin)) return null;
  const work = mkdtempSync(join(tmpdir(), 'qed-pf-'));
  writeFileSync(
    join(work, 'promptfooconfig.yaml'),
    [
      'description: qed-nano eval-throughput side by side',
      'prompts:',
      '  - "Prove that the statement about problem {{problem}} holds."',
      'providers:',
      '  - id: openai:chat:mock-prover',
      '    config:',
      `      apiBaseUrl: ${baseUrl.replace(/\/$/, '')}`,
      '      apiKey: dummy',
      'defaultTest:',
      '  assert:',
      '    - type: contains',
      '      value: QED',
      'tests: file://tests.csv',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(work, 'tests.csv'),
    ['problem', ...Array.from({ length: cases }, (_, i) => `P${String(i).padStart(5, '0')}`)].join('\n') +
      '\n',
  );
  const env = {
    ...process.env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_SHARE_EMAIL_REQUEST: '1',
    PROMPTFOO_SELF_HOSTED: '1',
    PROMPTFOO_CACHE_ENABLED: 'false',
    PROMPTFOO_CONFIG_DIR: join(work, '.pfhome'),
    NO_COLOR: '1',
  };
  const t0 = performance.now();
  // /usr/bin/time -v reports on stderr; promptfoo exits non-zero when an assertion fails.
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-v',
      bin,
      'eval',
      '-c',
      'promptfooconfig.yaml',
      '--no-cache',
      '-j',
      String(concurrency),
      '--no-table',
      '--no-progress-bar',
    ],
    { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const text = `${run.stdout}${run.stderr}`;
  const wall = (performance.now() - t0) / 1000;
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1] ?? NaN);
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(text)?.[1] ?? NaN);
  const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(text)?.[1] ?? NaN);
  const version = execFileSync(bin, ['--version'], { env, encoding: 'utf8' }).trim();
  return {
    version,
    cases,
    process_wall_s: round(wall, 2),
    attempts_per_s: round(cases / wall, 1),
    fraction_of_limit: round(cases / wall / (concurrency / 0.2), 3),
    cpu_ms_per_request: round(((user + sys) * 1000) / cases, 2),
    peak_rss_mb: round(rssKb / 1024, 1),
    passed: /(\d+) passed|Successes: (\d+)/.exec(text)?.slice(1).find(Boolean) ?? null,
  };
}

async function startServer(latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, 'serve', String(latencyMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await firstLine(child);
  return { url, stop: () => child.stdin?.end() };
}

async function runChild(argv: string[], nodeFlags: string[] = []): Promise<Record<string, number>> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', SELF, ...argv], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await firstLine(child);
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(line) as Record<string, number>;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l.trim()));
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before printing a result`)));
  });
}

async function timed<T>(f: () => Promise<T>): Promise<{ result: T; wall: number }> {
  const t0 = performance.now();
  const result = await f();
  return { result, wall: round((performance.now() - t0) / 1000, 2) };
}

function round(x: number, d: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(d)) : x;
}

function report(o: Record<string, unknown>): string {
  const q = o.qed as Record<string, number>;
  const p = o.promptfoo as Record<string, number> | null;
  const m = o.memory as { small: Record<string, number>; big: Record<string, number>; rss_ratio: number };
  const row = (name: string, r: Record<string, number> | null) =>
    r
      ? `| ${name} | ${r.attempts ?? r.cases} | ${r.attempts_per_s} | ${(r.fraction_of_limit * 100).toFixed(1)}% | ${r.cpu_ms_per_request} | ${r.peak_rss_mb} | ${r.process_wall_s ?? `${r.wall_s} (run only)`} |`
      : `| ${name} | – | not installed (set PROMPTFOO_DIR) | | | | |`;
  return [
    `limit ${o.limit_per_s}/s (concurrency ${o.concurrency} / latency ${o.latency_ms} ms)`,
    '| harness | attempts | attempts/s | of limit | CPU ms/request | peak RSS MB | process wall s |',
    '|---|---|---|---|---|---|---|',
    row('qed runEval (HTTP)', q),
    row('qed runEval (in-process mock)', o.qed_in_process as Record<string, number>),
    row('promptfoo', p),
    '',
    `qed over HTTP: mean call latency ${q.mean_call_latency_ms} ms → ${(q.fraction_of_observed_limit * 100).toFixed(1)}% of concurrency / observed latency; marginal CPU ${o.qed_marginal_cpu_ms_per_request} ms/request (the full run less a half-size run)`,
    `memory at 1 ms latency: ${m.small.attempts} samples → ${m.small.peak_rss_mb} MB, ${m.big.attempts} samples → ${m.big.peak_rss_mb} MB (ratio ${m.rss_ratio}); live heap ${m.small.peak_live_heap_mb} / ${m.big.peak_live_heap_mb} MB; CPU ms/request ${m.small.cpu_ms_per_request} / ${m.big.cpu_ms_per_request}`,
  ].join('\n');
}
