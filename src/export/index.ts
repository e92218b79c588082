// Public surface of the trainer exports: TRL (JSONL), verl (Parquet) and PipelineRL (JSONL) layouts.
export { EXPORT_FORMATS, exportDataset } from './export-dataset.ts';
export type { ExportFormat, ExportManifest, ExportOptions } from './export-dataset.ts';
export { detectKind, problemJson, readExportInput } from './records.ts';
export type { ChatTurn, ExportKind, SftExample } from './records.ts';
export { trlRlRows, trlSftRows } from './trl.ts';
export type { TrlSftStyle } from './trl.ts';
export { verlRlRows, verlSftRows, VERL_ABILITY } from './verl.ts';
export { pipelineRlRows, schemaText } from './pipelinerl.ts';
