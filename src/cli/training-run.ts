// The run directory of `qed sft` / `qed rl`: a non-empty --out is refused unless the run is resumed
// (--resume) or replaced (--force), and `run.json` keeps the settings the run was started with, so a
// resume with different ones is refused naming the setting, and a resume may leave out --init.
// Checked first (`planTrainingRun`), written only once the inputs have loaded (`start`), so a refused
// or failed start leaves --out as it was.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { checkRunDir, prepareRunDir } from '../core/run-dir.ts';
import { firstSettingChange, resumeRefusal } from '../core/settings-diff.ts';

export const TRAINING_RUN_FILE = 'run.json';

export interface TrainingRunFlags {
  out: string;
  resume?: boolean;
  force?: boolean;
}

export interface TrainingRun {
  dir: string;
  /** The checkpoint to start from: --init, or the stored run's on resume. */
  init: string;
  resumed: boolean;
  /** Creates (or, with --force, empties) the directory and records the settings of a new run. */
  start(): void;
}

/**
 * Checks `flags.out` for a training command and returns the checkpoint to start from; writes nothing.
 * `settings` are the flags that define the run (not --resume, --force, --json or --quiet), `init`
 * among them. On resume they are compared with the stored ones; an `init` left out is taken from
 * the stored run.
 */
export function planTrainingRun(
  command: string,
  flags: TrainingRunFlags,
  settings: Record<string, unknown> & { init?: string },
): TrainingRun {
  const { dir, resumed } = checkRunDir(flags.out, flags);
  const path = join(dir, TRAINING_RUN_FILE);
  const stored = resumed && existsSync(path) ? readStored(path) : undefined;
  const init = settings.init ?? (typeof stored?.init === 'string' ? stored.init : undefined);
  if (!init)
    throw new InputError(
      flags.resume
        ? `--init is needed: ${dir} holds no ${TRAINING_RUN_FILE} naming the checkpoint the run started from`
        : '--init <checkpoint> is required',
    );
  const run = { command, ...settings, init };
  if (stored) {
    const change = firstSettingChange(stored, run);
    if (change) throw new InputError(resumeRefusal(dir, change));
  }
  return {
    dir,
    init,
    resumed,
    start() {
      prepareRunDir({ out: dir, prefix: command, resume: flags.resume, force: flags.force });
      if (!stored) writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
    },
  };
}

/** Flags that say how to run, not what the run is. */
const NOT_SETTINGS = new Set(['out', 'resume', 'force', 'json', 'quiet']);

/** The flags that define a run, with the file paths among them made absolute. */
export function runSettings(
  flags: object,
  paths: readonly string[],
): Record<string, unknown> & { init?: string } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) {
    if (NOT_SETTINGS.has(k) || v === undefined) continue;
    out[k] = paths.includes(k) && typeof v === 'string' ? resolve(v) : v;
  }
  return out;
}

function readStored(path: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  throw new InputError(`${path}: expected a JSON object`);
}
