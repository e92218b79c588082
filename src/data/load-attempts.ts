// loadAttempts: the attempts of a run, from an attempts JSONL file or a run directory holding
// `attempts.jsonl` (or a finished `run.json`). A torn last line left by a crash is ignored.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { AttemptSchema } from '../core/attempt.ts';
import type { Attempt } from '../core/attempt.ts';
import { readJsonlAll } from './jsonl.ts';
import type { ReadJsonlOptions } from './jsonl.ts';
import { validateRecord } from './validate.ts';

export async function loadAttempts(
  fileOrDir: string,
  opts: Pick<ReadJsonlOptions<Attempt>, 'skipInvalid' | 'onInvalid'> = {},
): Promise<Attempt[]> {
  let path = fileOrDir;
  if (existsSync(fileOrDir) && statSync(fileOrDir).isDirectory()) {
    path = join(fileOrDir, 'attempts.jsonl');
    if (!existsSync(path)) {
      const runJson = join(fileOrDir, 'run.json');
      if (existsSync(runJson)) return attemptsFromRunLog(runJson);
      throw new InputError('no attempts.jsonl or run.json in this directory', { file: fileOrDir });
    }
  }
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  if (path.endsWith('.json')) return attemptsFromRunLog(path);
  return readJsonlAll(path, { ...opts, schema: AttemptSchema, tolerateTornTail: true });
}

async function attemptsFromRunLog(path: string): Promise<Attempt[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
  const samples = (data as { samples?: unknown }).samples;
  if (!Array.isArray(samples)) throw new InputError('missing (required)', { file: path, field: 'samples' });
  return samples.map((s, i) => {
    const checked = validateRecord(AttemptSchema, (s as { attempt?: unknown }).attempt, {
      file: path,
      field: `samples.${i}.attempt`,
    });
    if (!checked.ok) throw checked.error;
    return checked.value;
  });
}
