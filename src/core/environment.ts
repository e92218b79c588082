// Environment facts recorded in every run log: package version, Node, platform, git commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let cached: { qedVersion: string; node: string; platform: string; gitCommit: string | null } | undefined;

export function environmentInfo(): {
  qedVersion: string;
  node: string;
  platform: string;
  gitCommit: string | null;
} {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    gitCommit = null;
  }
  cached = {
    qedVersion: pkg.version,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    gitCommit,
  };
  return cached;
}
