import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
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
});
