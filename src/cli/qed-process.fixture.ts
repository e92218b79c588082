// Test fixture: runs the `qed` executable in a child process, as a user would, and collects its exit
// code and output. `env` is added to the test process's environment.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const QED_BIN = fileURLToPath(new URL('../../bin/qed.js', import.meta.url));

export function runQed(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [QED_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
