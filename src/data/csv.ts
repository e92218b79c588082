// CSV reader (RFC 4180, multi-line quoted fields) built on csv-parse. Each data row comes back with
// its 1-based start line. Bad quoting and wrong field counts are InputErrors naming file:line; one
// known upstream defect shape (a misplaced quote that swallows the next field) is repaired with a warning.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import { readBytes } from './open-text.ts';

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
  info: { bytes: number };
}

/** Maps byte offsets of a buffer to 1-based line numbers, scanning forward only. */
function lineCounter(buf: Buffer): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset) => {
    for (; pos < offset; pos++) if (buf[pos] === 0x0a) line++;
    return line;
  };
}

/** Header names and data rows of a CSV file; row-level problems are data, file-level ones throw. */
export async function* csvRows(path: string): AsyncGenerator<CsvRowResult & { header: string[] }> {
  // Line numbers come from byte offsets into the file (csv-parse's own line count is off for CRLF
  // inside quoted fields), so the file is read whole; datasets in CSV are small.
  const buf = await readBytes(path);
  const lineAt = lineCounter(buf);
  // Relaxed parsing keeps going past a bad quote so each record can be checked strictly on its own
  // (and the error pinned to its line) instead of aborting the whole file at the first one.
  const parser = Readable.from([buf]).pipe(
    parse({ bom: true, info: true, skip_empty_lines: true, relax_quotes: true, relax_column_count: true }),
  );
  let header: string[] | undefined;
  let end = 0;
  try {
    for await (const parsed of parser as AsyncIterable<Omit<ParsedRecord, 'raw'>>) {
      let start = end;
      while (start < parsed.info.bytes && (buf[start] === 0x0a || buf[start] === 0x0d)) start++;
      const rec = { ...parsed, raw: buf.toString('utf8', start, parsed.info.bytes) };
      end = parsed.info.bytes;
      const line = lineAt(start);
      if (!header) {
        header = rec.record.map((h) => h.replace(/^\uFEFF/, '').trim());
        if (header.some((h) => h === '')) {
          throw new InputError('empty column name in the header', { file: path, line });
        }
        const repeated = header.find((h, i) => header!.indexOf(h) !== i);
        if (repeated !== undefined) {
          throw new InputError(`column "${repeated}" appears twice in the header`, { file: path, line });
        }
        continue;
      }
      yield { header, ...checkRecord(path, header, rec, line) };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as Error & { code?: string };
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      const at = unclosedQuoteOffset(buf);
      throw new InputError('a quoted field opened on this line is never closed (bad quoting)', {
        file: path,
        line: at >= 0 ? lineCounter(buf)(at) : undefined,
      });
    }
    throw new InputError(`cannot parse CSV: ${err.message}`, { file: path });
  }
  if (!header) throw new InputError('empty file: no header row', { file: path, line: 1 });
}

/** Byte offset of the quote that opens a field never closed (RFC 4180 rules), or -1. */
function unclosedQuoteOffset(buf: Buffer): number {
  let inQuotes = false;
  let fieldStart = true;
  let openAt = -1;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inQuotes) {
      if (c !== 0x22) continue;
      if (buf[i + 1] === 0x22) i++;
      else inQuotes = false;
      fieldStart = false;
    } else if (c === 0x22 && fieldStart) {
      inQuotes = true;
      openAt = i;
    } else {
      fieldStart = c === 0x2c || c === 0x0a || c === 0x0d;
    }
  }
  return inQuotes ? openAt : -1;
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
