// Grading throughput against the in-repo mock judge server at a fixed latency and concurrency.
// The server bounds it at concurrency / latency judge calls per second; we report the measured
// rate and its ratio to that bound (1.0 = grading adds no overhead). `--garbage R` makes a share
// of replies unparseable, to show retries and failure accounting at the same time.
// `--in-process` swaps HTTP for the in-process mock provider (same judge, same latency), which
// separates our grading overhead from the HTTP client and server sharing this process's CPU.
// Usage: node --import tsx bench/grade-throughput.ts [--attempts 400] [--latency 50] [--concurrency 16]
//        [--garbage 0] [--in-process]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attempt } from '../src/core/attempt.ts';
import type { Problem } from '../src/core/problem.ts';
import { emptyUsage } from '../src/core/usage.ts';
import { createGrader, createMockJudge, gradeAttempts } from '../src/grading/index.ts';
import { createMockProvider, createProvider } from '../src/providers/index.ts';
import { startMockServer } from '../src/server/mock-openai-server.ts';
import { numberArg } from './args.ts';

const n = numberArg('attempts', 400);
const latencyMs = numberArg('latency', 50);
const concurrency = numberArg('concurrency', 16);
const garbageRate = numberArg('garbage', 0);
const inProcess = process.argv.includes('--in-process');

const problems: Problem[] = Array.from({ length: 20 }, (_, i) => ({
  id: `p${i}`,
  statement: `Problem ${i}: prove that the sequence is bounded.`,
  gradingGuidelines: '(Partial)\n 1. Finds the invariant.\n(Almost)\n 1. Minor slip.',
  referenceSolution: 'Use the invariant.',
}));
const attempts: Attempt[] = Array.from({ length: n }, (_, k) => ({
  problemId: `p${k % 20}`,
  sampleIndex: Math.floor(k / 20),
  scaffold: 'pure',
  turns: [],
  finalProof: `We argue by induction. The base case holds.${' The step follows.'.repeat(k % 6)} QED`,
  usage: emptyUsage(),
  cost: 0,
}));

const judge = createMockJudge({ garbageRate, seed: 1 });
const server = inProcess ? null : await startMockServer({ respond: judge, latencyMs, recordCalls: false });
const provider = server
  ? await createProvider({
      model: 'bench-judge',
      cache: false,
      maxRetries: 0,
      concurrency,
      env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'bench' },
    })
  : createMockProvider({ model: 'bench-judge', respond: judge, latencyMs });
const dir = mkdtempSync(join(tmpdir(), 'qed-grade-bench-'));
try {
  const grader = await createGrader({ scheme: 'rubric', judgeModel: 'bench-judge', provider, retries: 2 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await gradeAttempts({ attempts, problems, grader, dir, concurrency });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU this process (client, grading and, over HTTP, the server too) spent per judge call
  const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / judge.stats.calls;
  const bound = concurrency / (latencyMs / 1000);
  const callsPerS = judge.stats.calls / seconds;
  console.log(
    JSON.stringify(
      {
        transport: inProcess ? 'in-process' : 'http',
        attempts: n,
        latencyMs,
        concurrency,
        garbageRate,
        seconds: Number(seconds.toFixed(3)),
        judgeCalls: judge.stats.calls,
        garbageReplies: judge.stats.garbage,
        gradedPerS: Number((n / seconds).toFixed(1)),
        callsPerS: Number(callsPerS.toFixed(1)),
        boundCallsPerS: bound,
        ratio: Number((callsPerS / bound).toFixed(3)),
        cpuMsPerCall: Number(cpuMsPerCall.toFixed(2)),
        cpuCoresUsed: Number(((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)),
        graded: summary.graded,
        failed: summary.failed,
        mean: summary.mean,
      },
      null,
      2,
    ),
  );
} finally {
  await provider.close?.();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
}
