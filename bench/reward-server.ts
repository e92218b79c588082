// Benchmark of `qed reward-server --grader toy`, started as its own process like a user would: C
// concurrent keep-alive clients on loopback (default 256) send POST /score for D seconds (default 10)
// after a warm-up; prints sustained requests/s, latency percentiles and the error count as JSON. Every
// reply is checked (status 200 and reward 1 for the reference proof).
// Run: node --import tsx bench/reward-server.ts [--clients 256] [--seconds 10]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { deriveSeed } from '../src/core/rng.ts';
import { generateProblem } from '../src/toy/index.ts';
import { numberArg } from './args.ts';

const clients = numberArg('clients', 256);
const seconds = numberArg('seconds', 10);
const warmup = numberArg('warmup', 2);

const problems = Array.from({ length: 64 }, (_, i) => generateProblem(deriveSeed(9, i), 'short', `toy-${i}`));
const dataset = join(mkdtempSync(join(tmpdir(), 'qed-bench-rs-')), 'problems.jsonl');
writeFileSync(dataset, problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
const child = spawn(
  process.execPath,
  ['bin/qed.js', 'reward-server', '--grader', 'toy', '--dataset', dataset, '--port', '0', '--json'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`reward-server exited with ${code}`)));
});
const server = JSON.parse(firstLine) as { url: string };
const agent = new Agent({ connections: clients, pipelining: 1, keepAliveTimeout: 60_000 });

const latencies: number[] = [];
let errors = 0;
let firstError = '';
let measuring = false;
let stop = false;

async function client(k: number): Promise<void> {
  let i = k;
  while (!stop) {
    const p = problems[i++ % problems.length];
    const body = JSON.stringify({ problem: p.id, proof: p.referenceSolution });
    const t = performance.now();
    try {
      const res = await request(`${server.url}/score`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher: agent,
      });
      const json = (await res.body.json()) as { reward?: unknown };
      if (res.statusCode !== 200 || json.reward !== 1)
        throw new Error(`status ${res.statusCode}, reward ${String(json.reward)}`);
      if (measuring) latencies.push(performance.now() - t);
    } catch (e) {
      if (measuring) {
        errors++;
        firstError ||= (e as Error).message;
      }
    }
  }
}

const running = Array.from({ length: clients }, (_, k) => client(k));
await new Promise((r) => setTimeout(r, warmup * 1000));
measuring = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
stop = true;
await Promise.all(running);
await agent.close();
child.kill('SIGTERM');

latencies.sort((a, b) => a - b);
const pct = (q: number) =>
  Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
const report = {
  clients,
  seconds: Number(elapsed.toFixed(2)),
  requests: latencies.length,
  requestsPerSecond: Math.round(latencies.length / elapsed),
  latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: pct(1) },
  errors,
  ...(firstError ? { firstError } : {}),
  note: 'server (qed reward-server --grader toy) and the clients run as two Node processes on the same machine',
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (errors > 0) process.exitCode = 1;
