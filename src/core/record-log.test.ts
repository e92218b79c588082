import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordLog, readRecords } from './record-log.ts';

interface Rec {
  id: string;
  v: number;
}

describe('RecordLog', () => {
  it('skips duplicate keys and survives a torn last line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qed-')), 'log.jsonl');
    const log = new RecordLog<Rec>({ path, key: (r) => r.id });
    expect(log.append({ id: 'a', v: 1 })).toBe(true);
    expect(log.append({ id: 'a', v: 2 })).toBe(false);
    log.append({ id: 'b', v: 3 });
    log.close();
    appendFileSync(path, '{"id":"c","v":'); // simulated crash mid-write
    expect(readRecords<Rec>(path).map((r) => r.id)).toEqual(['a', 'b']);
    const reopened = new RecordLog<Rec>({ path, key: (r) => r.id });
    expect(reopened.has('a') && reopened.has('b') && !reopened.has('c')).toBe(true);
    reopened.append({ id: 'c', v: 4 });
    reopened.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readRecords<Rec>(path).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('indexes a log longer than its read buffer and cuts only the torn tail', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qed-')), 'big.jsonl');
    const pad = 'x'.repeat(700);
    const lines = Array.from({ length: 3000 }, (_, i) => `${JSON.stringify({ id: `r${i}`, v: i, pad })}\n`);
    writeFileSync(path, lines.join('')); // ~2.2 MB: several 1 MiB chunks
    const whole = statSync(path).size;
    appendFileSync(path, '{"id":"torn","v":');
    const log = new RecordLog<Rec>({ path, key: (r) => r.id });
    expect(log.size).toBe(3000);
    expect(log.has('r0') && log.has('r1499') && log.has('r2999') && !log.has('torn')).toBe(true);
    expect(statSync(path).size).toBe(whole);
    log.append({ id: 'r3000', v: 3000 });
    log.close();
    expect(readRecords<Rec>(path).map((r) => r.v)).toEqual(Array.from({ length: 3001 }, (_, i) => i));
  });

  it('refuses a complete line that is not JSON, naming file and line, and leaves the log alone', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qed-')), 'bad.jsonl');
    const text = '{"id":"a","v":1}\n\n{"id":"b",v:2}\n{"id":"c","v":3}\n';
    writeFileSync(path, text);
    expect(() => new RecordLog<Rec>({ path, key: (r) => r.id })).toThrow(`${path}:3: not valid JSON`);
    expect(() => readRecords<Rec>(path)).toThrow(`${path}:3: not valid JSON`);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
