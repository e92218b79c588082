// CSV reader (RFC 4180, multi-line quoted fields) built on csv-parse. Each data row comes back with
// its 1-based start line. Bad quoting and wrong field counts are InputErrors naming file:line; one
// known upstream defect shape (a misplaced quote that swallows the next field) is repaired with a warning.
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import { openBytes } from './open-text.ts';

export interface CsvRow {
  line: number;
  fields: Record<string, string>;
}

export interface CsvRowResult {
  line: number;
  row?: CsvRow;
  error?: InputError;
  warning?: string;
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/** Header names and data rows of a CSV file; row-level problems are data, file-level ones throw. */
export async function* csvRows(path: string): AsyncGenerator<CsvRowResult & { header: string[] }> {
  // Relaxed parsing keeps going past a bad quote so each record can be checked strictly on its own
  // (and the error pinned to its line) instead of aborting the whole file at the first one.
  const parser = openBytes(path).pipe(
    parse({
      bom: true,
      raw: true,
      info: true,
      skip_empty_lines: true,
      relax_quotes: true,
      relax_column_count: true,
    }),
  );
  let header: string[] | undefined;
  let lastLine = 0;
  try {
    for await (const rec of parser as AsyncIterable<ParsedRecord>) {
      const line = startLine(rec);
      lastLine = rec.info.lines;
      if (!header) {
        header = rec.record.map((h) => h.trim());
        if (header.some((h) => h === '')) {
          throw new InputError('empty column name in the header', { file: path, line });
        }
        continue;
      }
      yield { header, ...checkRecord(path, header, rec, line) };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as Error & { code?: string };
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new InputError('a quoted field opened here is never closed (bad quoting)', {
        file: path,
        line: lastLine + 1,
      });
    }
    throw new InputError(`cannot parse CSV: ${err.message}`, { file: path });
  }
  if (!header) throw new InputError('empty file: no header row', { file: path, line: 1 });
}

function startLine(rec: ParsedRecord): number {
  const body = rec.raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
  return rec.info.lines - (body.match(/\n/g)?.length ?? 0);
}

function checkRecord(file: string, header: string[], rec: ParsedRecord, line: number): CsvRowResult {
  let fields = rec.record;
  let warning: string | undefined;
  const strictError = strictCheck(rec.raw);
  if (strictError || fields.length !== header.length) {
    const repaired = repairSwallowedField(header, fields);
    if (repaired) {
      fields = repaired.fields;
      warning =
        `${file}:${line}: row "${fields[0]}" has ${header.length - 1} fields, expected ${header.length}: ` +
        `a misplaced quote merged "${header[repaired.index + 1]}" into "${header[repaired.index]}"; ` +
        'split them back (known upstream defect)';
    } else if (strictError) {
      const field = header[fields.findIndex((f) => f.startsWith('"'))] ?? undefined;
      return { line, error: new InputError(`bad quoting: ${strictError}`, { file, line, field }) };
    } else {
      const reason = `expected ${header.length} fields (${header.join(', ')}), got ${fields.length}`;
      return { line, error: new InputError(reason, { file, line }) };
    }
  }
  const row: Record<string, string> = {};
  header.forEach((name, i) => (row[name] = fields[i]));
  return { line, row: { line, fields: row }, warning };
}

/** The message of a strict RFC 4180 parse of one record, or undefined when it is well formed. */
function strictCheck(raw: string): string | undefined {
  try {
    parseSync(raw, { bom: true, relax_column_count: true });
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/ at line \d+/, '');
  }
}

// The IMO-AnswerBench row imo-bench-algebra-036 reads `"statement\n,"answer",...`: the quote that
// should close the statement comes after `\n,`, so relaxed parsing returns one field too few with
// `"statement\n,"answer"` in it. Only that exact shape is split back; anything else stays an error.
function repairSwallowedField(
  header: string[],
  fields: string[],
): { fields: string[]; index: number } | undefined {
  if (fields.length !== header.length - 1) return undefined;
  const index = fields.findIndex((f) => /^"[\s\S]*\n,"[^"\n]*"$/.test(f));
  if (index < 0) return undefined;
  const m = /^"([\s\S]*)\n,"([^"\n]*)"$/.exec(fields[index]);
  if (!m) return undefined;
  return {
    index,
    fields: [...fields.slice(0, index), `${m[1]}\n`, m[2], ...fields.slice(index + 1)],
  };
}
