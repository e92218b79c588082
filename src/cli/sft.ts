// `qed sft`: masked next-token SFT of a checkpoint on (prompt, proof) records, with packing, eval loss,
// atomic checkpoints, metrics JSONL and `--resume`. Without --data it uses the Olympiad-lite teacher
// set for the given seed. Library: trainLm in src/train/lm-trainer.ts.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { intAtLeast, nonNegative, positive } from './number-options.ts';
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import { buildSftSet, buildSplits } from '../toy/index.ts';
import { trainLm } from '../train/lm-trainer.ts';
import { planTrainingRun, runSettings } from './training-run.ts';
import { sftExamples } from '../train/recipe-data.ts';
import { loadSftPairs } from '../train/sft-data.ts';

interface SftFlags {
  init?: string;
  out: string;
  data?: string;
  evalData?: string;
  minGrade?: number;
  epochs: number;
  batch: number;
  lr: number;
  schedule: 'cosine' | 'constant';
  warmup?: number;
  pack: boolean;
  evalEvery: number;
  saveEvery: number;
  seed: number;
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerSft(program: Command): void {
  program
    .command('sft')
    .description('supervised fine-tuning of a local checkpoint on (prompt, proof) records')
    .option('--init <checkpoint>', 'checkpoint to start from (model + tokenizer); a resume may leave it out')
    .requiredOption('--out <dir>', 'run directory (checkpoint/, metrics.jsonl)')
    .option(
      '--data <file>',
      'SFT JSONL: {prompt, proof, grade?} or {messages}, e.g. the sft.jsonl of qed distill; default: the Olympiad-lite teacher set',
    )
    .option('--eval-data <file>', 'held-out SFT JSONL for eval loss')
    .option(
      '--min-grade <n>',
      'keep records whose teacher grade is at least n (0–7); ungraded records are kept, failed gradings dropped',
      nonNegative('--min-grade'),
    )
    .option('--epochs <n>', 'passes over the data', intAtLeast('--epochs', 1), 2)
    .option('--batch <n>', 'rows per step', intAtLeast('--batch', 1), 16)
    .option('--lr <x>', 'peak learning rate', positive('--lr'), 3e-3)
    .option('--schedule <kind>', 'cosine | constant (both with linear warm-up)', 'cosine')
    .option('--warmup <n>', 'warm-up steps', nonNegative('--warmup', true))
    .option('--no-pack', 'one example per row instead of packing')
    .option('--eval-every <n>', 'steps between eval losses', intAtLeast('--eval-every', 1), 25)
    .option(
      '--save-every <n>',
      'steps between checkpoints (0: only the last step)',
      nonNegative('--save-every', true),
      50,
    )
    .option('--seed <n>', 'data order seed (and teacher-set seed)', nonNegative('--seed', true), 1)
    .option('--resume', 'continue the run in --out from its last checkpoint, with the same settings')
    .option('--force', 'replace a non-empty --out')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no progress bar')
    .action(async (f: SftFlags) => {
      if (f.schedule !== 'cosine' && f.schedule !== 'constant')
        throw new InputError(`--schedule must be cosine or constant, got "${String(f.schedule)}"`);
      const run = planTrainingRun('sft', f, runSettings(f, ['init', 'data', 'evalData']));
      const { dir, init } = run;
      const ck = await loadCheckpoint(init);
      const ctx = ck.config.ctx;
      const pairs = f.data
        ? await loadSftPairs(f.data)
        : buildSftSet(buildSplits({ seed: f.seed, train: 1200, validation: 40, test: 80 }).train, {
            seed: f.seed,
          });
      const train = sftExamples(ck.tokenizer, pairs, ctx, { minGrade: f.minGrade });
      if (!train.length) throw new InputError('no SFT records left after filtering');
      const evalPairs = f.evalData ? await loadSftPairs(f.evalData) : [];
      run.start();
      const r = await trainLm({
        dir,
        model: ck.model,
        tokenizer: ck.tokenizer,
        train,
        eval: sftExamples(ck.tokenizer, evalPairs, ctx),
        epochs: f.epochs,
        batchSize: f.batch,
        lr: f.lr,
        schedule: f.schedule,
        warmupSteps: f.warmup,
        pack: f.pack,
        evalEvery: f.evalEvery,
        saveEvery: f.saveEvery,
        seed: f.seed,
        resume: f.resume,
        quiet: f.quiet,
        label: 'sft',
        meta: { stage: 'sft', init, data: f.data ?? 'olympiad-lite', minGrade: f.minGrade },
      });
      if (f.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else
        process.stderr.write(
          `sft: ${r.steps} steps, loss ${r.finalLoss.toFixed(4)}; checkpoint ${r.checkpoint}\n`,
        );
    });
}
