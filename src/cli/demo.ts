// `qed demo`: the whole recipe on Olympiad-lite (pretrain → SFT → RL → RC-RL), every stage evaluated
// with `pure` and `reasoning-cache`; prints the table (stdout), progress on stderr, `--json` prints
// summary.json's rows instead. Library: runDemo in src/train/demo.ts.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { prepareRunDir } from '../core/run-dir.ts';
import { InputError } from '../core/errors.ts';
import { checkStoredSettings } from '../core/settings-diff.ts';
import { readDemoConfig } from '../train/demo-config.ts';
import {
  formatFamilySeedTable,
  formatGainSeedTable,
  formatSeedTable,
  seedMeanFamilyRows,
  seedMeanGainRows,
  seedMeanRows,
} from '../train/demo-summary.ts';
import { runDemo } from '../train/demo.ts';
import { nonNegative } from './number-options.ts';

/** In a --seeds run's directory: the seed list it runs. */
const SEEDS_FILE = 'demo-seeds.json';

interface DemoFlags {
  quick?: boolean;
  seed: number;
  out?: string;
  force?: boolean;
  resume?: boolean;
  json?: boolean;
  quiet?: boolean;
  evalSplit: 'test' | 'validation';
  config?: string;
  seeds?: number[];
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the QED-Nano recipe end to end on Olympiad-lite and evaluate every stage')
    .option('--quick', 'tiny sizes (under a minute), for tests and a first look')
    .option('--seed <n>', 'seed for data, model and sampling', nonNegative('--seed', true), 1)
    .option('--out <dir>', 'output directory (default: runs/demo-<time>-<hash>)')
    .option('--force', 'overwrite a non-empty --out directory')
    .option(
      '--resume',
      'continue a killed run in --out: finished stages and evaluations are kept, the interrupted stage continues from its last checkpoint',
    )
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
    .option(
      '--seeds <list>',
      'run once per seed (comma-separated, e.g. 1,2,3) into DIR/seed-N and report the mean over seeds',
      (v: string) => {
        const seeds = v.split(',').map((x) => Number(x.trim()));
        if (!seeds.length || seeds.some((n) => !Number.isInteger(n) || n < 0))
          throw new InputError(`--seeds must be comma-separated non-negative integers, got "${v}"`);
        if (new Set(seeds).size !== seeds.length) throw new InputError(`--seeds repeats a seed: "${v}"`);
        return seeds;
      },
    )
    .action(async (flags: DemoFlags) => {
      const common = {
        evalSplit: flags.evalSplit,
        config: flags.config ? readDemoConfig(flags.config) : undefined,
        quick: flags.quick,
        force: flags.force,
        resume: flags.resume,
        quiet: flags.quiet,
      };
      if (flags.seeds) {
        const { dir, resumed } = prepareRunDir({
          out: flags.out,
          root: 'runs',
          prefix: 'demo-seeds',
          force: flags.force,
          resume: flags.resume,
        });
        // The seed list is what the parent directory's results are over: a resume must keep it.
        const seedsPath = join(dir, SEEDS_FILE);
        if (resumed && !existsSync(seedsPath))
          throw new InputError(`cannot resume ${dir}: no ${SEEDS_FILE} (not a --seeds demo run)`);
        checkStoredSettings(dir, seedsPath, resumed, { seeds: flags.seeds });
        const runs = [];
        for (const seed of flags.seeds) {
          const r = await runDemo({ ...common, seed, out: join(dir, `seed-${seed}`) });
          runs.push({ seed, rows: r.rows, families: r.families, gains: r.gains, seconds: r.seconds });
          process.stderr.write(`seed ${seed}: ${r.seconds.toFixed(0)} s\n`);
        }
        const rows = seedMeanRows(runs);
        writeFileSync(join(dir, 'summary-seeds.json'), `${JSON.stringify(rows, null, 2)}\n`);
        const families = seedMeanFamilyRows(runs.map((r) => ({ seed: r.seed, rows: r.families })));
        writeFileSync(join(dir, 'families-seeds.json'), `${JSON.stringify(families, null, 2)}\n`);
        const gains = seedMeanGainRows(runs.map((r) => ({ seed: r.seed, rows: r.gains })));
        writeFileSync(join(dir, 'gains-seeds.json'), `${JSON.stringify(gains, null, 2)}\n`);
        if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else
          process.stdout.write(
            `\nmean score/7 (points of 100) over seeds ${flags.seeds.join(', ')} (each seed in brackets), held-out ${flags.evalSplit} split\n${formatSeedTable(rows)}\n\nwhat each stage adds over the one before (paired over the same problems; each seed's CI in its summary.md)\n${formatGainSeedTable(gains)}\n\nby problem family (number of problems in each header)\n${formatFamilySeedTable(families)}\n\nwall time per seed: ${runs.map((r) => `${r.seconds.toFixed(0)} s`).join(', ')}; runs in ${dir}\n`,
          );
        return;
      }
      const r = await runDemo({ ...common, out: flags.out, seed: flags.seed });
      if (flags.json) process.stdout.write(`${JSON.stringify(r.rows, null, 2)}\n`);
      else {
        process.stdout.write(
          `\nmean score/7 (points of 100) with 95% bootstrap CI, held-out ${flags.evalSplit} split, seed ${flags.seed}\n${r.table}\n\nwhat each stage adds over the one before, with a paired 95% bootstrap CI over the same problems\n${r.gainTable}\n`,
        );
        process.stdout.write(
          `\nwall time ${r.seconds.toFixed(0)} s; summary.json, plots and report.html in ${r.dir}\n`,
        );
      }
    });
}
