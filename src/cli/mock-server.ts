// `qed mock-server`: run the in-repo OpenAI-compatible mock server from the shell (quick starts,
// benchmarks, trying a config), with latency and seeded fault rates. Prints the base URL; runs until
// Ctrl-C, then prints what it served.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { FAULT_KINDS, startMockServer } from '../server/mock-openai-server.ts';
import type { FaultKind } from '../server/mock-openai-server.ts';
import { nonNegative } from './number-options.ts';

const rate = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InputError(`fault rates must be in [0, 1], got "${v}"`);
  return n;
};

interface MockServerFlags {
  port: string;
  host: string;
  latency: number;
  seed: number;
  retryAfter: number;
  faults?: string;
  model: string[];
  json?: boolean;
}

/** "rate_limit=0.1,hang=0.05" or "all=0.1" → per-kind rates. */
export function parseFaults(spec: string): Partial<Record<FaultKind, number>> {
  const out: Partial<Record<FaultKind, number>> = {};
  for (const part of spec.split(',').filter((p) => p.trim())) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if (v === undefined) throw new InputError(`fault "${part}" needs KIND=RATE`);
    if (k === 'all') for (const kind of FAULT_KINDS) out[kind] = rate(v);
    else if ((FAULT_KINDS as readonly string[]).includes(k)) out[k as FaultKind] = rate(v);
    else throw new InputError(`unknown fault "${k}" (${FAULT_KINDS.join(', ')}, all)`);
  }
  const total = Object.values(out).reduce((a, b) => a + b, 0);
  if (total > 1) throw new InputError(`fault rates add up to ${total} > 1`);
  return out;
}

export function registerMockServer(program: Command): void {
  program
    .command('mock-server')
    .description('run a local OpenAI-compatible mock server (deterministic proofs, latency, fault injection)')
    .option('--port <n>', 'port (0 = any free port)', '8400')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--latency <ms>', 'delay before each answer', nonNegative('--latency'), 0)
    .option('--seed <n>', 'seed for replies and fault draws', nonNegative('--seed', true), 0)
    .option(
      '--faults <spec>',
      `fault rates, e.g. "rate_limit=0.1,hang=0.05" or "all=0.1" (${FAULT_KINDS.join(', ')})`,
    )
    .option('--retry-after <s>', 'Retry-After seconds sent with 429s', nonNegative('--retry-after'), 1)
    .option('--model <id...>', 'model ids listed by /v1/models', ['mock-prover'])
    .option('--json', 'print {url} as JSON on stdout when listening')
    .option(
      '--judge',
      'also answer judge prompts as the scripted mock judge, and rubric-writing prompts with a scripted marking scheme (proofs for anything else)',
    )
    .option('--garbage <rate>', 'with --judge: share of judge replies that are unparseable garbage', rate)
    .action(async (flags: MockServerFlags & { judge?: boolean; garbage?: number }) => {
      if (flags.garbage !== undefined && !flags.judge) throw new InputError('--garbage needs --judge');
      const respond = flags.judge
        ? (await import('../grading/index.ts')).createMockJudgeOrProver({
            garbageRate: flags.garbage ?? 0,
            seed: flags.seed,
          })
        : undefined;
      const server = await startMockServer({
        respond,
        port: Number(flags.port),
        host: flags.host,
        latencyMs: flags.latency,
        seed: flags.seed,
        retryAfterS: flags.retryAfter,
        faults: flags.faults ? parseFaults(flags.faults) : undefined,
        models: flags.model,
        recordCalls: false,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
      else process.stdout.write(`${server.url}\n`);
      process.stderr.write(`mock server listening on ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      process.stderr.write(
        `served ${server.stats.requests} requests; faults ${JSON.stringify(server.stats.faults)}\n`,
      );
    });
}
