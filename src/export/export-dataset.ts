// `qed export` as a library call: read problems (RL) or SFT records, write them in the layout one
// trainer reads (trl | verl | pipelinerl) into DIR, plus `qed-export.json` naming the files, the
// row counts and the columns, so a training config can be written against it. Several splits may share
// DIR; a data file already there is replaced only with `force`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeParquet } from '../data/parquet.ts';
import { DEFAULT_PROMPT_FILE, loadPromptTemplate } from '../generate/prompt.ts';
import { pipelineRlRows } from './pipelinerl.ts';
import { readExportInput } from './records.ts';
import type { ExportKind } from './records.ts';
import { trlRlRows, trlSftRows } from './trl.ts';
import type { TrlSftStyle } from './trl.ts';
import { verlRlRows, verlSftRows } from './verl.ts';

export type ExportFormat = 'trl' | 'verl' | 'pipelinerl';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['trl', 'verl', 'pipelinerl'];

export interface ExportOptions {
  format: ExportFormat;
  input: string;
  out: string;
  /** Forced kind; default: detected from the first record. */
  kind?: ExportKind;
  /** Split name in file names and extra_info (default train). */
  split?: string;
  /** Dataset name (verl data_source, PipelineRL dataset); default: the input's base name. */
  name?: string;
  /** User prompt template with a {{problem}} slot (default prompts/generate/proof.md). */
  prompt?: string;
  /** TRL SFT style (default messages). */
  style?: TrlSftStyle;
  /** Replace the data file when DIR already holds one of the same name. */
  force?: boolean;
}

export interface ExportManifest {
  format: ExportFormat;
  kind: ExportKind;
  input: string;
  files: string[];
  rows: number;
  columns: string[];
  promptTemplate: { id: string; hash: string };
}

const writeJsonl = (path: string, rows: Array<Record<string, unknown>>): void =>
  writeFileSync(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));

/** The data file an export writes into DIR: one per split (TRL, verl) or per dataset (PipelineRL). */
function dataFileName(format: ExportFormat, split: string, name: string): string {
  if (format === 'trl') return `${split}.jsonl`;
  if (format === 'verl') return `${split}.parquet`;
  if (format === 'pipelinerl') return `${name}.jsonl`;
  throw new Error(`unknown export format "${String(format)}" (use ${EXPORT_FORMATS.join(', ')})`);
}

export async function exportDataset(opts: ExportOptions): Promise<ExportManifest> {
  const template = loadPromptTemplate(opts.prompt ?? DEFAULT_PROMPT_FILE);
  const split = opts.split ?? 'train';
  const name = opts.name ?? basename(opts.input).replace(/\.[^.]+$/, '');
  const { kind, problems, sft } = await readExportInput(opts.input, template, opts.kind);
  const file = dataFileName(opts.format, split, name);
  if (opts.format === 'pipelinerl' && kind === 'sft') {
    throw new Error(
      'PipelineRL trains RL only: export problems (statement + rubric), not SFT records; use --format trl or verl for SFT',
    );
  }
  const path = join(opts.out, file);
  if (existsSync(path) && !opts.force)
    throw new Error(`${path} already exists: pass --force to replace it, or choose another --out or --split`);
  mkdirSync(opts.out, { recursive: true });
  let rows: Array<Record<string, unknown>>;
  if (opts.format === 'trl') {
    rows = kind === 'sft' ? trlSftRows(sft, opts.style ?? 'messages') : trlRlRows(problems, template);
    writeJsonl(path, rows);
  } else if (opts.format === 'verl') {
    rows = kind === 'sft' ? verlSftRows(sft, split) : verlRlRows(problems, template, split, name);
    await writeParquet(path, rows);
  } else {
    rows = pipelineRlRows(problems, name);
    writeJsonl(path, rows);
  }
  const manifest: ExportManifest = {
    format: opts.format,
    kind,
    input: opts.input,
    files: [file],
    rows: rows.length,
    columns: Object.keys(rows[0] ?? {}),
    promptTemplate: { id: template.id, hash: template.hash },
  };
  writeFileSync(join(opts.out, 'qed-export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
