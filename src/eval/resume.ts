// Resuming an eval run directory: the run's defining config is stored at the start and checked on
// resume (a different model, scaffold, seed … is refused), and on request failed records are removed
// from the logs so they are done again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { keepLines } from '../core/jsonl-scan.ts';
import { firstSettingChange, resumeRefusal } from '../core/settings-diff.ts';
import { ATTEMPTS_FILE, GRADES_FILE } from './run-log-writer.ts';

export const CONFIG_FILE = 'eval-config.json';
/** Config fields that must match for `resume` to continue a run. */
const RESUME_KEYS = [
  'model',
  'scaffold',
  'scaffoldOptions',
  'samples',
  'seed',
  'grader',
  'sampling',
  'dataset',
  'limit',
  // Models of the scaffold's other roles (summarizer, verifier, selector).
  'providers',
] as const;

/** A config with its dataset path made absolute, so the same file named two ways is no change. */
function withResolvedDataset(config: Record<string, unknown>): Record<string, unknown> {
  return typeof config.dataset === 'string' ? { ...config, dataset: resolve(config.dataset) } : config;
}

/**
 * Rewrites the logs without failed gradings and failed generations (each file to a temporary copy,
 * then renamed over the original, so a crash leaves either the old or the new file). Grades go first:
 * a failed generation has no grade, so the two rewrites never disagree.
 */
export function dropFailures(dir: string): void {
  keepLines(join(dir, GRADES_FILE), (g) => g.score !== null);
  keepLines(join(dir, ATTEMPTS_FILE), (a) => a.error === undefined);
}

/** Stores the config of a new run; on resume, refuses a config that differs in what defines the run. */
export function checkResumeConfig(dir: string, resumed: boolean, config: Record<string, unknown>): string {
  const path = join(dir, CONFIG_FILE);
  if (resumed && existsSync(path)) {
    const before = JSON.parse(readFileSync(path, 'utf8')) as {
      createdAt: string;
      config: Record<string, unknown>;
    };
    const change = firstSettingChange(
      withResolvedDataset(before.config),
      withResolvedDataset(config),
      RESUME_KEYS,
    );
    if (change) throw new Error(resumeRefusal(dir, change));
    return before.createdAt;
  }
  const createdAt = new Date().toISOString();
  writeFileSync(path, `${JSON.stringify({ createdAt, config }, null, 2)}\n`);
  return createdAt;
}
