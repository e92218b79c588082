// Run directories: `<root>/<prefix>-<timestamp>-<hash>` so runs never collide. An explicit `--out DIR`
// that already holds a run is refused unless the caller resumes it or forces a fresh start.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface RunDirOptions {
  /** Explicit directory; when absent a fresh one is made under `root`. */
  out?: string;
  root?: string;
  prefix: string;
  /** Continue the run already in `out`. */
  resume?: boolean;
  /** Delete whatever is in `out` and start again. */
  force?: boolean;
  /** Mixed into the generated name so concurrent runs started in the same millisecond differ. */
  salt?: string;
}

export function runDirName(prefix: string, salt = '', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
  const hash = createHash('sha256')
    .update(`${salt}${process.pid}${now.getTime()}${Math.random()}`)
    .digest('hex')
    .slice(0, 6);
  return `${prefix}-${stamp}-${hash}`;
}

/** Returns the absolute run directory, creating it; throws a clear error instead of overwriting. */
export function prepareRunDir(opts: RunDirOptions): { dir: string; resumed: boolean } {
  if (opts.resume && opts.force) throw new Error('--resume and --force cannot be used together');
  if (!opts.out) {
    if (opts.resume) throw new Error('--resume needs --out DIR naming the run to continue');
    const dir = resolve(opts.root ?? 'runs', runDirName(opts.prefix, opts.salt));
    mkdirSync(dir, { recursive: true });
    return { dir, resumed: false };
  }
  const { dir, nonEmpty, resumed } = checkRunDir(opts.out, opts);
  if (nonEmpty && opts.force) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, resumed };
}

/**
 * Checks an explicit `out` without touching it: a non-empty directory needs `resume` or `force`.
 * Returns the absolute directory, whether it holds anything, and whether the run is resumed.
 */
export function checkRunDir(
  out: string,
  opts: Pick<RunDirOptions, 'resume' | 'force'>,
): { dir: string; nonEmpty: boolean; resumed: boolean } {
  if (opts.resume && opts.force) throw new Error('--resume and --force cannot be used together');
  const dir = resolve(out);
  const nonEmpty = existsSync(dir) && readdirSync(dir).length > 0;
  if (nonEmpty && !opts.resume && !opts.force) {
    throw new Error(
      `run directory ${dir} is not empty: pass --resume to continue it or --force to overwrite it`,
    );
  }
  return { dir, nonEmpty, resumed: Boolean(opts.resume && nonEmpty) };
}

export function runFile(dir: string, name: string): string {
  return join(dir, name);
}
