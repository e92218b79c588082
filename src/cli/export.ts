// `qed export --format trl|verl|pipelinerl IN --out DIR`: SFT or RL datasets in the layouts external
// trainers read; see docs/trainers/ for a worked example per trainer.
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportDataset } from '../export/index.ts';
import type { ExportFormat, ExportKind, TrlSftStyle } from '../export/index.ts';

interface ExportFlags {
  format: string;
  out: string;
  kind?: string;
  split: string;
  name?: string;
  prompt?: string;
  style: string;
  force?: boolean;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write SFT or RL data in the layout TRL (JSONL), verl (Parquet) or PipelineRL (JSONL) reads')
    .argument('<in>', 'problems (RL) or SFT records (distill output, chat messages, problem+proof) file')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
    .requiredOption('--out <dir>', 'output directory')
    .option('--kind <kind>', 'sft | rl (default: detected from the first record)')
    .option('--split <name>', 'split name (file name, extra_info.split)', 'train')
    .option('--name <name>', 'dataset name (verl data_source, PipelineRL dataset); default: input base name')
    .option(
      '--prompt <file>',
      'user prompt template with a {{problem}} slot (default prompts/generate/proof.md)',
    )
    .option('--style <style>', 'TRL SFT rows: messages | prompt-completion', 'messages')
    .option('--force', 'replace a data file of the same name already in --out')
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (input: string, flags: ExportFlags) => {
      if (!EXPORT_FORMATS.includes(flags.format as ExportFormat)) {
        throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${flags.format}"`);
      }
      if (flags.kind !== undefined && flags.kind !== 'sft' && flags.kind !== 'rl') {
        throw new Error(`--kind must be sft or rl, got "${flags.kind}"`);
      }
      if (flags.style !== 'messages' && flags.style !== 'prompt-completion') {
        throw new Error(`--style must be messages or prompt-completion, got "${flags.style}"`);
      }
      const manifest = await exportDataset({
        format: flags.format as ExportFormat,
        input,
        out: flags.out,
        kind: flags.kind as ExportKind | undefined,
        split: flags.split,
        name: flags.name,
        prompt: flags.prompt,
        style: flags.style as TrlSftStyle,
        force: flags.force,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(manifest)}\n`);
      else {
        process.stdout.write(
          `${manifest.rows} ${manifest.kind.toUpperCase()} rows → ${flags.out}/${manifest.files.join(', ')} (${manifest.format}; columns ${manifest.columns.join(', ')})\n`,
        );
      }
    });
}
