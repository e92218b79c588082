// Test fixture: runs the `qed` executable in a child process, as a user would, and collects its exit
// code and output. `env` is added to the test process's environment.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const QED_BIN = fileURLToPath(new URL('../../bin/qed.js', import.meta.url));

export interface QedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `qed args`: the child, its result once it exits, and its first line of stdout. */
export function startQed(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<QedResult>; firstLine: Promise<string> } {
  const child = spawn(process.execPath, [QED_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // 'close', not 'exit': it comes after the output streams have ended, so nothing written is missed.
  const done = new Promise<QedResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const firstLine = new Promise<string>((resolve) =>
    child.stdout.on('data', () => stdout.includes('\n') && resolve(stdout.split('\n')[0])),
  );
  return { child, done, firstLine };
}

/** Runs `qed args` to the end. */
export function runQed(args: string[], env: Record<string, string> = {}): Promise<QedResult> {
  return startQed(args, env).done;
}
