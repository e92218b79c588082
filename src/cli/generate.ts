// `qed generate`: sample N completions per problem from a dataset with any provider into a run
// directory (attempts.jsonl + run.json). Progress and the summary go to stderr; `--json` prints the
// summary object on stdout. Ctrl-C stops cleanly: finished samples stay, `--resume` does the rest.
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { loadProblems } from '../data/index.ts';
import { formatGenerateSummary } from '../generate/format-summary.ts';
import { loadPromptTemplate, runGenerate } from '../generate/index.ts';
import { createProvider } from '../providers/index.ts';
import type { OpenAICompatibleProvider } from '../providers/index.ts';
import { EXIT_INTERRUPTED, exitOnFailures } from './exit-status.ts';
import { intAtLeast, nonNegative } from './number-options.ts';

interface GenerateFlags {
  dataset: string;
  model: string;
  samples: number;
  concurrency?: number;
  out?: string;
  resume?: boolean;
  force?: boolean;
  retryFailed?: boolean;
  config?: string;
  providerConfig?: string;
  cache: boolean;
  cachePath?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed: number;
  timeout?: number;
  maxRetries?: number;
  stream?: boolean;
  prompt?: string;
  skipInvalid?: boolean;
  limit?: number;
  json?: boolean;
  quiet?: boolean;
}

/** Where requests went, for run.json: names, URLs without credentials, env var NAMES only. */
function endpointsRecord(provider: Partial<OpenAICompatibleProvider>): unknown[] | null {
  return (
    provider.router?.endpoints.map((e) => {
      const url = new URL(e.baseUrl);
      url.username = '';
      url.password = '';
      return { name: e.name, baseUrl: url.toString(), apiKeyEnv: e.apiKeyEnv ?? null, models: e.models };
    }) ?? null
  );
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('sample N completions per problem from a dataset into a run directory (attempts.jsonl)')
    .requiredOption('--dataset <file>', 'problems (.jsonl, .json, .csv, .parquet)')
    .requiredOption('--model <name>', 'mock, mock:NAME, local:CHECKPOINT_DIR, or a model served over HTTP')
    .option('--samples <n>', 'completions per problem', intAtLeast('--samples', 1), 1)
    .option(
      '--concurrency <n>',
      'requests in flight (default: the config file default, else 16 over HTTP, 8 otherwise)',
      intAtLeast('--concurrency', 1),
    )
    .option('--out <dir>', 'run directory (default: runs/generate-<time>-<hash>)')
    .option('--resume', 'continue the run in --out, skipping finished samples')
    .option('--force', 'delete whatever is in --out and start again')
    .option('--retry-failed', 'with --resume: generate recorded failures again')
    .option('--provider-config <file>', 'provider config (JSON/YAML): endpoints, prices, defaults')
    .option('--config <file>', 'same as --provider-config')
    .option('--no-cache', 'do not read or write the response cache')
    .option(
      '--cache-path <file>',
      'response cache file (default $QED_CACHE_DIR/responses.sqlite or .qed-cache/)',
    )
    .option('--max-tokens <n>', 'completion token limit per sample', intAtLeast('--max-tokens', 1))
    .option(
      '--temperature <t>',
      'sampling temperature (default: the server default)',
      nonNegative('--temperature'),
    )
    .option('--top-p <p>', 'nucleus sampling (default: the server default)', nonNegative('--top-p'))
    .option('--seed <n>', 'run seed; each sample gets a seed derived from it', intAtLeast('--seed', 0), 0)
    .option('--timeout <seconds>', 'per-try timeout (default 600)', nonNegative('--timeout'))
    .option(
      '--max-retries <n>',
      'retries per sample on 429/5xx/network/timeouts (default 5)',
      intAtLeast('--max-retries', 0),
    )
    .option('--stream', 'use streaming responses')
    .option('--prompt <file>', 'prompt template with a {{problem}} slot (default prompts/generate/proof.md)')
    .option('--skip-invalid', 'report and skip invalid dataset rows instead of stopping')
    .option('--limit <n>', 'use only the first N problems', intAtLeast('--limit', 1))
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress output')
    .action(async (flags: GenerateFlags) => {
      flags.config ??= flags.providerConfig;
      const template = loadPromptTemplate(flags.prompt);
      let problems = await loadProblems(flags.dataset, {
        skipInvalid: flags.skipInvalid,
        onInvalid: (e) => process.stderr.write(`skipped: ${e.message}\n`),
      });
      if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
      if (problems.length === 0) throw new InputError('no problems to generate for', { file: flags.dataset });
      const provider = await createProvider({
        model: flags.model,
        config: flags.config,
        // Only an explicit --no-cache overrides the config file's default.
        cache: flags.cache === false ? false : undefined,
        cachePath: flags.cachePath,
        concurrency: flags.concurrency,
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
        maxRetries: flags.maxRetries,
        stream: flags.stream,
        seed: flags.seed,
      });
      const abort = new AbortController();
      // Every request in flight listens on this one signal.
      setMaxListeners(0, abort.signal);
      let interrupts = 0;
      const onSignal = () => {
        if (++interrupts > 1) process.exit(130);
        process.stderr.write('\nstopping: finishing records in flight (Ctrl-C again to quit now)\n');
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const summary = await runGenerate({
          problems,
          provider,
          samples: flags.samples,
          concurrency: flags.concurrency ?? (provider as Partial<OpenAICompatibleProvider>).concurrency ?? 8,
          out: flags.out,
          resume: flags.resume,
          force: flags.force,
          retryFailed: flags.retryFailed,
          seed: flags.seed,
          maxTokens: flags.maxTokens,
          temperature: flags.temperature,
          topP: flags.topP,
          template,
          quiet: flags.quiet,
          signal: abort.signal,
          config: {
            dataset: resolve(flags.dataset),
            limit: flags.limit ?? null,
            modelSpec: flags.model,
            providerConfig: flags.config ?? null,
            responseCache: (provider as Partial<OpenAICompatibleProvider>).cachePath ?? null,
            stream: Boolean(flags.stream),
            timeoutS: flags.timeout ?? null,
            maxRetries: flags.maxRetries ?? null,
            endpoints: endpointsRecord(provider),
          },
        });
        const http = provider as Partial<OpenAICompatibleProvider>;
        const extras = {
          retries: http.stats?.retries,
          unpricedModels: http.unpricedModels ? [...http.unpricedModels] : undefined,
        };
        process.stderr.write(formatGenerateSummary(summary, extras));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, provider: http.stats ?? null }, null, 2)}\n`);
        }
        if (summary.interrupted) process.exitCode = EXIT_INTERRUPTED;
        exitOnFailures(summary.totalFailed);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await provider.close?.();
      }
    });
}
