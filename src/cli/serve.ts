// `qed serve CHECKPOINT_DIR`: serve a checkpoint over an OpenAI-compatible HTTP API on 127.0.0.1 until
// Ctrl-C. Prints the base URL (…/v1) and model id on stderr (or {url, model} as JSON on stdout with --json).
// With QED_SERVE_API_KEY set in the environment, clients must send it as a bearer token.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { startOpenAIServer } from '../server/openai-server.ts';
import { warnIfExposed } from './exposure-warning.ts';

interface ServeFlags {
  port: string;
  host: string;
  modelId?: string;
  batch: string;
  seed: string;
  json?: boolean;
  quiet?: boolean;
}

const int = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve a checkpoint as an OpenAI-compatible API (/v1/chat/completions, /v1/models); ' +
        'set QED_SERVE_API_KEY to require a bearer token',
    )
    .argument('<checkpoint>', 'checkpoint directory')
    .option('--port <n>', 'port (0 = any free port)', '8000')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--model-id <id>', 'model id clients send (default: the checkpoint directory name)')
    .option('--batch <n>', 'most requests decoded together', '8')
    .option('--seed <n>', 'sampling seed for requests without a seed', '0')
    .option('--json', 'print {url, model} as JSON on stdout once listening')
    .option('--quiet', 'no access log on stderr')
    .action(async (checkpoint: string, flags: ServeFlags) => {
      const server = await startOpenAIServer({
        checkpoint,
        host: flags.host,
        port: int('port', flags.port, 0),
        modelId: flags.modelId,
        maxConcurrentBatch: int('batch', flags.batch, 1),
        seed: int('seed', flags.seed, 0),
        apiKey: process.env.QED_SERVE_API_KEY || undefined,
        log: flags.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
      });
      // The URL an OpenAI client takes as its base URL (OPENAI_BASE_URL), as `qed mock-server` prints it.
      if (flags.json)
        process.stdout.write(`${JSON.stringify({ url: `${server.url}/v1`, model: server.modelId })}\n`);
      process.stderr.write(`serving "${server.modelId}" at ${server.url}/v1 (Ctrl-C to stop)\n`);
      warnIfExposed(flags.host, Boolean(process.env.QED_SERVE_API_KEY), 'without QED_SERVE_API_KEY');
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.stderr.write('stopping\n');
          void server.close().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
