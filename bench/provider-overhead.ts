// Provider overhead benchmark: the openai-compatible provider (official client + router + retries)
// against the in-repo mock server at a fixed latency, next to a thin fetch pool doing the same
// requests; reports req/s against the concurrency/latency limit and client CPU per request. Then
// `qed generate` end to end against the mock server with 10% of each fault type, checking counts.
// The mock server runs in its own process. Run: `node --import tsx bench/provider-overhead.ts [N] [C] [LATENCY_MS]`
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createOpenAICompatibleProvider } from '../src/providers/index.ts';
import { startMockServer } from '../src/server/mock-openai-server.ts';
import type { FaultKind } from '../src/server/mock-openai-server.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [first, ...rest] = process.argv.slice(2);

if (first === 'serve') {
  const faults = rest[1] ? (JSON.parse(rest[1]) as Partial<Record<FaultKind, number>>) : undefined;
  const server = await startMockServer({
    latencyMs: Number(rest[0]),
    faults,
    retryAfterS: 0.2,
    recordCalls: false,
  });
  process.stdout.write(`${server.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
} else {
  await main(Number(first ?? 2000), Number(rest[0] ?? 64), Number(rest[1] ?? 200));
}

async function serve(latency: number, faults?: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SELF, 'serve', String(latency), ...(faults ? [faults] : [])],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: ROOT,
    },
  );
  const [url] = await new Promise<string[]>((resolve) =>
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (l) => resolve([l])),
  );
  return { url, child };
}

interface Row {
  client: string;
  n: number;
  conc: number;
  wall_s: number;
  req_s: number;
  pct_of_limit: number;
  cpu_ms_per_req: number;
  server_cpu_ms_per_req: number | null;
  p50_ms: number;
  p99_ms: number;
  ok: number;
}

async function pool(n: number, conc: number, one: (i: number) => Promise<boolean>) {
  let next = 0;
  let ok = 0;
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        if (await one(i)) ok++;
        lat.push(performance.now() - t);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]);
  return { wall, ok, cpuMs: (cpu.user + cpu.system) / 1000, p50: q(0.5), p99: q(0.99) };
}

/** CPU time of another process from /proc (Linux; null elsewhere), in ms at the usual 100 ticks/s. */
function procCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function main(n: number, conc: number, latency: number): Promise<void> {
  const { url, child } = await serve(latency);
  const limit = conc / (latency / 1000);
  const rows: Row[] = [];
  const measure = async (client: string, one: (i: number) => Promise<boolean>) => {
    await pool(conc * 2, conc, one); // warm connections and JIT
    const s0 = procCpuMs(child.pid);
    const r = await pool(n, conc, one);
    const s1 = procCpuMs(child.pid);
    rows.push({
      client,
      n,
      conc,
      wall_s: +r.wall.toFixed(2),
      req_s: +(n / r.wall).toFixed(1),
      pct_of_limit: +((100 * n) / r.wall / limit).toFixed(1),
      cpu_ms_per_req: +(r.cpuMs / n).toFixed(3),
      server_cpu_ms_per_req: s0 !== null && s1 !== null ? +((s1 - s0) / n).toFixed(3) : null,
      p50_ms: r.p50,
      p99_ms: r.p99,
      ok: r.ok,
    });
  };
  const body = (i: number) => ({
    model: 'mock-prover',
    messages: [{ role: 'user' as const, content: `Prove claim P${i}.` }],
  });
  for (const stream of [false, true]) {
    const p = createOpenAICompatibleProvider({
      model: 'mock-prover',
      endpoints: [{ name: 'm', baseUrl: url, models: [], weight: 1, maxConcurrency: conc }],
      concurrency: conc,
      stream,
      env: {},
    });
    await measure(stream ? 'provider (stream)' : 'provider', async (i) => {
      return (await p.generate({ messages: body(i).messages })).ok;
    });
    await p.close?.();
  }
  const thin = async (i: number) => {
    const r = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify(body(i)),
    });
    const j = (await r.json()) as { choices?: Array<{ message?: { content?: string } }> };
    return r.ok && Boolean(j.choices?.[0]?.message?.content?.includes('QED'));
  };
  await measure('thin fetch pool', thin);
  child.stdin?.end();
  console.table(rows);

  // `qed generate` end to end with 10% of each fault type.
  const faults = JSON.stringify({
    rate_limit: 0.1,
    server_error: 0.1,
    hang: 0.1,
    malformed: 0.1,
    truncate: 0.1,
  });
  const faulty = await serve(20, faults);
  const dir = mkdtempSync(join(tmpdir(), 'qed-bench-gen-'));
  const dataset = join(dir, 'p.jsonl');
  writeFileSync(
    dataset,
    Array.from(
      { length: 100 },
      (_, i) => `${JSON.stringify({ id: `b${i}`, statement: `Show ${i} is finite.` })}\n`,
    ).join(''),
  );
  const t0 = performance.now();
  const gen = spawn(
    process.execPath,
    [
      'bin/qed.js',
      'generate',
      '--dataset',
      dataset,
      '--model',
      'mock-prover',
      '--samples',
      '10',
      '--concurrency',
      '64',
      '--timeout',
      '2',
      '--no-cache',
      '--out',
      join(dir, 'run'),
      '--json',
      '--quiet',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, OPENAI_BASE_URL: faulty.url, OPENAI_API_KEY: 'sk-bench-not-a-key' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  gen.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise((r) => gen.on('close', r));
  faulty.child.stdin?.end();
  const s = JSON.parse(out) as {
    expected: number;
    recorded: number;
    ok: number;
    failed: number;
    failures: Record<string, { count: number }>;
    provider: { tries: number; retries: number; errors: Record<string, number> };
  };
  const lines = readFileSync(join(dir, 'run', 'attempts.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const unique = new Set(
    lines.map((l) => {
      const a = JSON.parse(l) as { problemId: string; sampleIndex: number };
      return `${a.problemId}#${a.sampleIndex}`;
    }),
  ).size;
  const generate = {
    expected: s.expected,
    recorded: s.recorded,
    unique,
    ok: s.ok,
    failed: s.failed,
    failures: Object.fromEntries(Object.entries(s.failures).map(([k, v]) => [k, v.count])),
    tries: s.provider.tries,
    retries: s.provider.retries,
    errors: s.provider.errors,
    wall_s: +((performance.now() - t0) / 1000).toFixed(1),
  };
  console.log(JSON.stringify({ latency_ms: latency, limit_req_s: limit, rows, generate }));
}
