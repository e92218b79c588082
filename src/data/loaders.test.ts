// Loader tests: the real IMO-ProofBench / AnswerBench CSVs, malformed CSV and JSONL inputs (one clear
// error naming file:line:field, or reported and skipped with skipInvalid), JSON, and inspect reports.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AttemptSchema } from '../core/attempt.ts';
import { InputError } from '../core/errors.ts';
import { imoBenchFile } from './imo-bench-files.ts';
import { inspectFile, loadAttempts, loadProblems, readJsonlAll } from './index.ts';

const PROOFBENCH = imoBenchFile('proofbench_v2.csv');
const ANSWERBENCH = imoBenchFile('answerbench_v2.csv');
const dir = mkdtempSync(join(tmpdir(), 'qed-data-'));

function fixture(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function errorOf(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe.skipIf(!PROOFBENCH)('IMO-ProofBench CSV', () => {
  it('maps all 60 rows with solutions, guidelines, categories, levels and the split', async () => {
    const problems = await loadProblems(PROOFBENCH!);
    expect(problems).toHaveLength(60);
    const byId = new Map(problems.map((p) => [p.id, p]));
    const basic1 = byId.get('PB-Basic-001')!;
    expect(basic1.statement.startsWith('Determine all functions $f: \\mathbb{Z}')).toBe(true);
    expect(basic1.referenceSolution).toContain('By taking $x = 0$');
    expect(basic1.gradingGuidelines).toContain('(Partial)');
    expect(basic1.category).toBe('Algebra');
    expect(basic1.difficulty).toBe('IMO-easy');
    expect(basic1.meta?.split).toBe('basic');
    expect(byId.get('PB-Advanced-030')!.meta?.split).toBe('advanced');
    expect(problems.filter((p) => p.meta?.split === 'basic')).toHaveLength(30);
    // A single space means "no short answer": 27 problems have one.
    expect(problems.filter((p) => p.shortAnswer !== undefined)).toHaveLength(27);
    expect(problems.every((p) => p.statement === p.statement.trim())).toBe(true);
    const counts = (key: 'category' | 'difficulty') =>
      Object.fromEntries(
        [...new Set(problems.map((p) => p[key]))].map((v) => [
          v,
          problems.filter((p) => p[key] === v).length,
        ]),
      );
    expect(counts('category')).toEqual({ Algebra: 16, Combinatorics: 16, 'Number theory': 14, Geometry: 14 });
    expect(counts('difficulty')).toEqual({ 'pre-IMO': 8, 'IMO-easy': 24, 'IMO-medium': 18, 'IMO-hard': 10 });
  });
});

describe.skipIf(!ANSWERBENCH)('IMO-AnswerBench CSV', () => {
  it('loads 400 problems and repairs the known five-field row with a warning', async () => {
    const warnings: string[] = [];
    const problems = await loadProblems(ANSWERBENCH!, { onWarning: (w) => warnings.push(w) });
    expect(problems).toHaveLength(400);
    const row = problems.find((p) => p.id === 'imo-bench-algebra-036')!;
    expect(row.shortAnswer).toBe('$Y(x)=A+\\frac{B}{x}-x$');
    expect(row.category).toBe('Algebra');
    expect(row.subcategory).toBe('Functional Equation');
    expect(row.source).toBe('Iran 2002');
    expect(row.statement.endsWith('\\]')).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /answerbench_v2\.csv:150: row "imo-bench-algebra-036" has 5 fields, expected 6/,
    );
    expect(problems.every((p) => p.shortAnswer && p.category && p.subcategory && p.source)).toBe(true);
  });
});

describe('malformed inputs name file, line and field', () => {
  const header = 'id,problem,solution\n';
  const cases: Array<{
    name: string;
    file: string;
    text: string;
    line: number;
    field?: string;
    reason: RegExp;
  }> = [
    {
      name: 'bad CSV quoting',
      file: 'badquote.csv',
      text: `${header}a,"ok",s\nb,"x"y,s\nc,fine,s\n`,
      line: 3,
      field: 'problem',
      reason: /bad quoting/,
    },
    {
      name: 'unclosed CSV quote',
      file: 'unclosed.csv',
      text: `${header}a,ok,s\nb,"never closed,s\nc,d,e\n`,
      line: 3,
      reason: /never closed/,
    },
    {
      name: 'bad quoting in a CRLF file with a BOM and multi-line fields',
      file: 'crlf.csv',
      text: `\uFEFFid,problem,solution\r\na,"x\r\ny",s\r\n\r\nb,"bad"q,s\r\n`,
      line: 5,
      field: 'problem',
      reason: /bad quoting/,
    },
    {
      name: 'wrong CSV field count',
      file: 'count.csv',
      text: `${header}a,ok,s\nb,only\n`,
      line: 3,
      reason: /expected 3 fields.*got 2/,
    },
    {
      name: 'rubric that cannot reach 7 points',
      file: 'rubric5.jsonl',
      text: `${JSON.stringify({ id: 'a', statement: 's', rubric: { problemId: 'a', total: 7, checkpoints: [{ id: 'c1', points: 5, description: 'd' }] } })}\n`,
      line: 1,
      field: 'rubric.checkpoints',
      reason: /a complete solution earns 5 points, not 7/,
    },
    {
      name: 'rubric with a repeated checkpoint id',
      file: 'rubricdup.jsonl',
      text: `${JSON.stringify({
        id: 'a',
        statement: 's',
        rubric: {
          problemId: 'a',
          total: 7,
          checkpoints: [
            { id: 'c', points: 4, description: 'd' },
            { id: 'c', points: 3, description: 'e' },
          ],
        },
      })}\n`,
      line: 1,
      field: 'rubric.checkpoints',
      reason: /checkpoint id "c" is repeated/,
    },
    {
      name: 'rubric of another problem',
      file: 'rubricid.jsonl',
      text: `${JSON.stringify({ id: 'a', statement: 's', rubric: { problemId: 'b', total: 7, checkpoints: [{ id: 'c', points: 7, description: 'd' }] } })}\n`,
      line: 1,
      field: 'rubric.problemId',
      reason: /"b" is not this problem's id "a"/,
    },
    {
      name: 'repeated CSV column',
      file: 'duphdr.csv',
      text: 'id,problem,problem\np1,a,b\n',
      line: 1,
      reason: /column "problem" appears twice in the header/,
    },
    {
      name: 'missing statement in CSV',
      file: 'nostatement.csv',
      text: `${header}a,ok,s\nb," ",s\n`,
      line: 3,
      field: 'statement',
      reason: /missing/,
    },
    {
      name: 'JSONL line that is not JSON',
      file: 'bad.jsonl',
      text: '{"id":"a","statement":"s"}\n\n{"id":"b",\n',
      line: 3,
      reason: /not valid JSON/,
    },
    {
      name: 'JSONL missing statement',
      file: 'nostmt.jsonl',
      text: '{"id":"a","statement":"s"}\n{"id":"b","solution":"x"}\n',
      line: 2,
      field: 'statement',
      reason: /missing/,
    },
    {
      name: 'JSONL wrong type',
      file: 'type.jsonl',
      text: '{"id":"a","statement":"s","rubric":{"items":"no"}}\n',
      line: 1,
      field: 'rubric',
      reason: /./,
    },
    {
      name: 'duplicate id',
      file: 'dup.jsonl',
      text: '{"id":"a","statement":"s"}\n{"id":"a","statement":"t"}\n',
      line: 2,
      field: 'id',
      reason: /duplicate id "a" \(first at line 1\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const path = fixture(c.file, c.text);
      const e = await errorOf(loadProblems(path));
      expect(e.location.file).toBe(path);
      expect(e.location.line).toBe(c.line);
      if (c.field) expect(e.location.field?.startsWith(c.field)).toBe(true);
      expect(e.reason).toMatch(c.reason);
      expect(e.message).toContain(`${path}:line ${c.line}`);
    });
  }

  it('skipInvalid reports each bad row and keeps the good ones', async () => {
    const path = fixture('mixed.csv', `id,problem\na,one\nb,"x"y\nc," "\nd,four\ne\n`);
    const skipped: InputError[] = [];
    const problems = await loadProblems(path, { skipInvalid: true, onInvalid: (e) => skipped.push(e) });
    expect(problems.map((p) => p.id)).toEqual(['a', 'd']);
    expect(skipped.map((e) => [e.location.line, e.location.field])).toEqual([
      [3, 'problem'],
      [4, 'statement'],
      [6, undefined],
    ]);
  });

  it('readJsonl streams with a schema and skips invalid lines on request', async () => {
    const ok = { problemId: 'p', sampleIndex: 0, finalProof: 'x', usage: {} };
    const path = fixture(
      'attempts.jsonl',
      [JSON.stringify(ok), 'nope', JSON.stringify({ ...ok, sampleIndex: -1 }), ''].join('\n'),
    );
    const bad: InputError[] = [];
    const rows = await readJsonlAll(path, {
      schema: AttemptSchema,
      skipInvalid: true,
      onInvalid: (e) => bad.push(e),
    });
    expect(rows).toHaveLength(1);
    expect(rows[0].scaffold).toBe('pure');
    expect(bad.map((e) => [e.location.line, e.location.field])).toEqual([
      [2, undefined],
      [3, 'sampleIndex'],
    ]);
    await expect(readJsonlAll(path, { schema: AttemptSchema })).rejects.toThrow(
      /attempts\.jsonl:line 2: not valid JSON/,
    );
  });
});

describe('other formats and attempts', () => {
  it('generic CSV and JSON columns (question/answer) map onto Problem with extras in meta', async () => {
    const csv = fixture('generic.csv', 'question,answer,year\n"What is 1+1?",2,2001\n');
    expect(await loadProblems(csv)).toEqual([
      { id: 'row-0', statement: 'What is 1+1?', shortAnswer: '2', meta: { year: '2001' } },
    ]);
    const json = fixture('p.json', JSON.stringify({ problems: [{ id: 'x', problem: 'P', level: 3 }] }));
    expect(await loadProblems(json)).toEqual([{ id: 'x', statement: 'P', difficulty: '3' }]);
    const e = await errorOf(loadProblems(fixture('q.json', JSON.stringify([{ id: 'x' }]))));
    expect(e.location.field).toBe('[0].statement');
  });

  it('reads gzipped JSONL and CSV', async () => {
    const rows = [{ id: 'a', statement: 'S' }];
    const jsonl = join(dir, 'p.jsonl.gz');
    writeFileSync(jsonl, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n')));
    expect(await loadProblems(jsonl)).toEqual(rows);
    const csv = join(dir, 'p.csv.gz');
    writeFileSync(csv, gzipSync('id,statement\na,"multi\nline"\n'));
    expect(await loadProblems(csv)).toEqual([{ id: 'a', statement: 'multi\nline' }]);
  });

  it('loadAttempts reads a run directory and ignores a torn last line', async () => {
    const run = mkdtempSync(join(dir, 'run-'));
    const a = { problemId: 'p', sampleIndex: 0, finalProof: 'x', usage: {} };
    writeFileSync(
      join(run, 'attempts.jsonl'),
      `${JSON.stringify(a)}\n${JSON.stringify({ ...a, sampleIndex: 1 })}\n{"problemId":"p","sam`,
    );
    const attempts = await loadAttempts(run);
    expect(attempts.map((x) => x.sampleIndex)).toEqual([0, 1]);
  });
});

describe('inspectFile', () => {
  it.skipIf(!PROOFBENCH || !ANSWERBENCH)('reports rows, fields, fill rates and validation', async () => {
    const r = await inspectFile(PROOFBENCH!);
    expect(r.rows).toBe(60);
    expect(r.schema).toBe('problem');
    expect(r.validation).toEqual({ valid: 60, invalid: 0, errors: [] });
    const short = r.fields.find((f) => f.name === 'Short Answer')!;
    expect(short.filled).toBe(27);
    expect(short.mapsTo).toBe('shortAnswer');
    expect((await inspectFile(ANSWERBENCH!)).rows).toBe(400);
  });

  it('reads the samples of a run.json', async () => {
    const ok = { attempt: { problemId: 'p', sampleIndex: 0, finalProof: 'x', usage: {} }, grade: null };
    const path = fixture(
      'run.json',
      JSON.stringify({ schemaVersion: 1, samples: [ok, { ...ok, attempt: {} }] }),
    );
    const r = await inspectFile(path);
    expect(r.schema).toBe('sample');
    expect(r.validation.valid).toBe(1);
    expect(r.validation.errors[0]).toMatchObject({ field: '[1].attempt.problemId' });
  });

  it('names where a duplicate problem id first appeared, as the loader does', async () => {
    const path = fixture('inspect-dup.jsonl', '{"id":"a","statement":"s"}\n{"id":"a","statement":"t"}\n');
    const r = await inspectFile(path);
    expect(r.validation.errors[0]).toMatchObject({ line: 2, field: 'id' });
    expect(JSON.stringify(r.validation.errors[0])).toContain('duplicate id \\"a\\" (first at line 1)');
  });

  it('counts invalid rows and lists the first errors with their location', async () => {
    const path = fixture(
      'inspect.jsonl',
      '{"problemId":"p","sampleIndex":0,"finalProof":"x","usage":{}}\n{"problemId":"p"}\n[1]\n',
    );
    const r = await inspectFile(path, { schema: 'attempt' });
    expect(r.rows).toBe(3);
    expect(r.validation.valid).toBe(1);
    expect(r.validation.invalid).toBe(2);
    expect(r.validation.errors[0]).toMatchObject({ line: 2, field: 'sampleIndex' });
    expect(r.validation.errors[1]).toMatchObject({ line: 3 });
  });
});
