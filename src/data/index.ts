// Public surface of the data layer: dataset loaders (CSV, JSONL, JSON, Parquet), Parquet writing,
// attempts loading and file inspection.
export { csvRows } from './csv.ts';
export type { CsvRow, CsvRowResult } from './csv.ts';
export { jsonlEntries, readJsonl, readJsonlAll } from './jsonl.ts';
export type { JsonlEntry, ReadJsonlOptions } from './jsonl.ts';
export { loadAttempts } from './load-attempts.ts';
export { formatOf, loadProblems, sourceRecords } from './load-problems.ts';
export type { DatasetFormat, LoadOptions, SourceRecord } from './load-problems.ts';
export { mapColumns, recordToProblem } from './problem-columns.ts';
export { readParquet, writeParquet } from './parquet.ts';
export type { WriteParquetOptions } from './parquet.ts';
export { validateRecord } from './validate.ts';
export type { Validated } from './validate.ts';
export { formatInspectReport, inspectFile } from './inspect.ts';
export type { FieldSummary, InspectIssue, InspectOptions, InspectReport, InspectSchema } from './inspect.ts';
