// Exit statuses shared by the commands that make many model calls: 3 when the run finished but some
// calls or gradings failed (they are recorded; `--resume` alone skips them, and in qed eval, generate,
// grade and rubrics `--resume --retry-failed` does them again), 130 when it was interrupted. A status
// already set (an interrupt) is kept.
export const EXIT_SOME_FAILED = 3;
export const EXIT_INTERRUPTED = 130;

/** Sets exit status 3 when `failures` > 0, unless an earlier status is already set. */
export function exitOnFailures(failures: number): void {
  if (failures > 0 && !process.exitCode) process.exitCode = EXIT_SOME_FAILED;
}
