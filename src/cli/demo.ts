// `qed demo`: the whole recipe on Olympiad-lite (pretrain → SFT → RL → RC-RL), every stage evaluated
// with `pure` and `reasoning-cache`; prints the table (stdout), progress on stderr, `--json` prints
// summary.json's rows instead. Library: runDemo in src/train/demo.ts.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { readDemoConfig } from '../train/demo-config.ts';
import { runDemo } from '../train/demo.ts';

interface DemoFlags {
  quick?: boolean;
  seed: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  evalSplit: 'test' | 'validation';
  config?: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the QED-Nano recipe end to end on Olympiad-lite and evaluate every stage')
    .option('--quick', 'tiny sizes (under a minute), for tests and a first look')
    .option(
      '--seed <n>',
      'seed for data, model and sampling',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new InputError(`--seed must be a non-negative integer, got "${v}"`);
        return n;
      },
      1,
    )
    .option('--out <dir>', 'output directory (default: runs/demo-<time>-<hash>)')
    .option('--force', 'overwrite a non-empty --out directory')
    .option('--json', 'print the summary rows as JSON on stdout')
    .option('--quiet', 'no progress bars')
    .option(
      '--eval-split <split>',
      'split every stage is evaluated on: test (the table) or validation (to choose settings)',
      (v: string) => {
        if (v !== 'test' && v !== 'validation')
          throw new InputError(`--eval-split must be test or validation, got "${v}"`);
        return v;
      },
      'test',
    )
    .option('--config <file>', 'JSON file of size overrides, e.g. {"rl": {"steps": 80}} (see demo-config.ts)')
    .action(async (flags: DemoFlags) => {
      const r = await runDemo({
        evalSplit: flags.evalSplit,
        config: flags.config ? readDemoConfig(flags.config) : undefined,
        out: flags.out,
        seed: flags.seed,
        quick: flags.quick,
        force: flags.force,
        quiet: flags.quiet,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(r.rows, null, 2)}\n`);
      else {
        process.stdout.write(
          `\nmean score/7 (points of 100) with 95% bootstrap CI, held-out ${flags.evalSplit} split, seed ${flags.seed}\n${r.table}\n`,
        );
        process.stdout.write(
          `\nwall time ${r.seconds.toFixed(0)} s; summary.json, plots and report.html in ${r.dir}\n`,
        );
      }
    });
}
