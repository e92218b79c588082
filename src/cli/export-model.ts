// `qed export-model CHECKPOINT --format hf --out DIR`: write a checkpoint in a Hugging Face layout (GPT-2,
// or GPT-NeoX for rotary positions, qed_tiny with its modeling code for previous-token embeddings)
// (transformers' AutoModelForCausalLM / AutoTokenizer load it). Prints the written files (JSON with --json).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import { exportHf } from '../tiny/hf-export.ts';

interface ExportModelFlags {
  format: string;
  out: string;
  force?: boolean;
  json?: boolean;
}

export function registerExportModel(program: Command): void {
  program
    .command('export-model')
    .description(
      'export a checkpoint for other tools (hf: Hugging Face GPT-2, GPT-NeoX for rotary positions, or qed_tiny with its modeling code for previous-token embeddings; safetensors)',
    )
    .argument('<checkpoint>', 'checkpoint directory')
    .requiredOption('--out <dir>', 'output directory')
    .option('--format <format>', 'output format (hf)', 'hf')
    .option('--force', 'replace a non-empty output directory')
    .option('--json', 'print {out, files} as JSON on stdout')
    .action(async (checkpoint: string, flags: ExportModelFlags) => {
      if (flags.format !== 'hf') throw new InputError(`unknown --format "${flags.format}" (supported: hf)`);
      if (resolve(flags.out) === resolve(checkpoint))
        throw new InputError('--out must differ from the checkpoint');
      const { model, tokenizer } = await loadCheckpoint(checkpoint);
      const files = await exportHf(flags.out, { model, tokenizer, force: flags.force });
      if (flags.json) process.stdout.write(`${JSON.stringify({ out: flags.out, files })}\n`);
      else process.stderr.write(`wrote ${files.join(', ')} to ${flags.out}\n`);
    });
}
