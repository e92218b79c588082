// Column mapping from dataset records (CSV rows, JSONL/JSON objects, Parquet rows) onto Problem:
// IMO-ProofBench and IMO-AnswerBench headers, our own field names and common HF dataset names.
// Columns that map to nothing are kept in `meta` so no information is dropped.
import type { Problem } from '../core/problem.ts';

type ProblemField = Exclude<keyof Problem, 'meta'>;

// Normalised column name (lowercase, letters and digits only) → Problem field. Order matters only
// when a record has two candidates for one field: the first listed name wins, the other goes to meta.
const ALIASES: Array<[ProblemField, string[]]> = [
  ['id', ['id', 'problemid', 'uid', 'uniqueid', 'questionid', 'problemidx']],
  ['statement', ['statement', 'problem', 'question', 'problemstatement', 'problemtext', 'prompt']],
  ['referenceSolution', ['referencesolution', 'solution', 'proof', 'groundtruthsolution']],
  ['gradingGuidelines', ['gradingguidelines', 'guidelines', 'gradingscheme', 'markingscheme']],
  ['rubric', ['rubric']],
  ['shortAnswer', ['shortanswer', 'answer', 'finalanswer', 'groundtruth', 'expectedanswer']],
  ['source', ['source', 'problemsource', 'origin', 'competition']],
  ['category', ['category', 'topic', 'domain', 'subject']],
  ['subcategory', ['subcategory', 'subtopic', 'subdomain']],
  ['difficulty', ['difficulty', 'level']],
];

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Which Problem field each original column feeds (undefined → meta). */
export function mapColumns(columns: string[]): Map<string, ProblemField | undefined> {
  const out = new Map<string, ProblemField | undefined>();
  const taken = new Set<ProblemField>();
  for (const [field, aliases] of ALIASES) {
    for (const alias of aliases) {
      const column = columns.find((c) => normalise(c) === alias && !out.has(c));
      if (column !== undefined && !taken.has(field)) {
        out.set(column, field);
        taken.add(field);
      }
    }
  }
  for (const c of columns) if (!out.has(c)) out.set(c, undefined);
  return out;
}

const mappingCache = new Map<string, Map<string, ProblemField | undefined>>();

/**
 * Turns one dataset record into a Problem candidate (validated by the caller). Blank strings
 * count as absent (ProofBench writes a single space for "no short answer"); text is trimmed.
 */
export function recordToProblem(record: Record<string, unknown>): Record<string, unknown> {
  const columns = Object.keys(record);
  const cacheKey = columns.join('\u0000');
  let mapping = mappingCache.get(cacheKey);
  if (!mapping) {
    mapping = mapColumns(columns);
    if (mappingCache.size < 64) mappingCache.set(cacheKey, mapping);
  }
  const out: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  if (isPlainObject(record.meta)) Object.assign(meta, record.meta);
  for (const [column, field] of mapping) {
    const value = clean(record[column]);
    if (column === 'meta' && field === undefined) continue;
    if (value === undefined) continue;
    if (field === undefined) meta[column] = value;
    else if (field === 'rubric') out.rubric = typeof value === 'string' ? parseJson(value) : value;
    else out[field] = typeof value === 'number' ? String(value) : value;
  }
  const split = typeof out.id === 'string' ? /^PB-(Basic|Advanced)-/.exec(out.id) : null;
  if (split && meta.split === undefined) meta.split = split[1].toLowerCase();
  if (Object.keys(meta).length) out.meta = meta;
  return out;
}

function clean(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // left as a string so validation names the rubric field
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
