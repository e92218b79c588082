// What a resumed run compares with the run it continues: settings as JSON, leaf by leaf, so a change
// is named by its dotted path ("sampling.temperature") and key order never counts as a change.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface SettingChange {
  /** Dotted path of the setting, e.g. `rl.steps`. */
  key: string;
  /** JSON of the stored value, or `unset`. */
  was: string;
  /** JSON of the new value, or `unset`. */
  now: string;
}

/** Every leaf of a JSON value (objects are walked, arrays and scalars are leaves), by dotted path. */
export function settingLeaves(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof v === 'object' && v !== null && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) settingLeaves(x, path ? `${path}.${k}` : k, out);
  else out.set(path, JSON.stringify(v ?? null));
  return out;
}

/**
 * The first setting that differs between a stored and a new value, or null. `keys`, when given,
 * limits the comparison to those top-level fields.
 */
export function firstSettingChange(
  before: unknown,
  now: unknown,
  keys?: readonly string[],
): SettingChange | null {
  const pick = (v: unknown) => {
    const plain = JSON.parse(JSON.stringify(v ?? {})) as Record<string, unknown>;
    return keys ? Object.fromEntries(keys.map((k) => [k, plain[k]])) : plain;
  };
  const a = settingLeaves(pick(before));
  const b = settingLeaves(pick(now));
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) return { key, was: a.get(key) ?? 'unset', now: b.get(key) ?? 'unset' };
  }
  return null;
}

/** The message a resume refused for a changed setting gives: names the run, the setting and both values. */
export function resumeRefusal(dir: string, change: SettingChange): string {
  return `cannot resume ${dir}: ${change.key} was ${change.was}, now ${change.now}`;
}

/**
 * The settings file of a run directory: a new run stores `settings` at `path`; a resumed one is refused
 * when they differ from the stored ones, naming the first change. A run from before the file existed
 * gets it stored on its first resume.
 */
export function checkStoredSettings(
  dir: string,
  path: string,
  resumed: boolean,
  settings: Record<string, unknown>,
): void {
  if (resumed && existsSync(path)) {
    const change = firstSettingChange(JSON.parse(readFileSync(path, 'utf8')), settings);
    if (change) throw new Error(resumeRefusal(dir, change));
    return;
  }
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}
