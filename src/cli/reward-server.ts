// `qed reward-server --grader NAME`: serve any grader as an HTTP reward endpoint for external RL
// trainers (TRL, verl, PipelineRL). Prints the URL on stdout once listening; stops on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { loadProblems } from '../data/index.ts';
import { createGrader } from '../grading/index.ts';
import { graderSpecOf } from '../server/reward-grader-spec.ts';
import { startRewardServer } from '../server/reward-server.ts';
import { int } from './number-options.ts';
import { warnIfExposed } from './exposure-warning.ts';

interface RewardServerFlags {
  grader: string;
  dataset?: string;
  host: string;
  port: number;
  tokenEnv?: string;
  concurrency: number;
  timeoutMs: number;
  maxBatch: number;
  providerConfig?: string;
  samples?: number;
  json?: boolean;
}

export function registerRewardServer(program: Command): void {
  program
    .command('reward-server')
    .description(
      'serve a grader as an HTTP reward endpoint: POST /score, POST /score/batch, GET /health, GET /metrics',
    )
    .requiredOption(
      '--grader <name>',
      'toy | programmatic:NAME | answer | rubric:JUDGE_MODEL | proofbench:JUDGE_MODEL | spec.json',
    )
    .option('--dataset <file>', 'problems that requests may name by id')
    .option('--host <host>', 'interface to bind (default loopback only)', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', int('--port'), 8009)
    .option('--token-env <VAR>', 'require "Authorization: Bearer $VAR" on every request but /health')
    .option('--concurrency <n>', 'items graded at once', int('--concurrency'), 64)
    .option('--timeout-ms <ms>', 'per-item grading limit, queueing included', int('--timeout-ms'), 120_000)
    .option('--max-batch <n>', 'largest /score/batch request', int('--max-batch'), 4096)
    .option('--provider-config <file>', 'endpoints config for judge models')
    .option('--samples <k>', 'judge samples per item (LLM graders)', int('--samples'))
    .option('--json', 'print {"url": …} as JSON on stdout once listening')
    .action(async (flags: RewardServerFlags) => {
      let token: string | undefined;
      if (flags.tokenEnv) {
        token = process.env[flags.tokenEnv];
        if (!token)
          throw new Error(`--token-env ${flags.tokenEnv}: that environment variable is empty or unset`);
      }
      const spec = graderSpecOf(flags.grader, {
        providerConfig: flags.providerConfig,
        samples: flags.samples,
        timeoutMs: flags.timeoutMs,
        concurrency: flags.concurrency,
      });
      const [grader, problems] = await Promise.all([
        createGrader(spec),
        flags.dataset ? loadProblems(flags.dataset) : Promise.resolve([]),
      ]);
      const server = await startRewardServer({
        grader,
        problems,
        host: flags.host,
        port: flags.port,
        token,
        concurrency: flags.concurrency,
        timeoutMs: flags.timeoutMs,
        maxBatch: flags.maxBatch,
      });
      if (flags.json)
        process.stdout.write(
          `${JSON.stringify({ url: server.url, grader: grader.info, problems: problems.length })}\n`,
        );
      else
        process.stdout.write(
          `qed reward-server listening on ${server.url} (grader ${flags.grader}, ${problems.length} problems)\n`,
        );
      warnIfExposed(flags.host, Boolean(token), 'without --token-env');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
