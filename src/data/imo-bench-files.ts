// Where the IMO-ProofBench and IMO-AnswerBench CSVs are found for the tests and benchmarks that read
// them: $QED_BENCH_DIR, then the repository's data/imo-proofbench, then shared/data/imo-proofbench
// beside the checkout. The files are not part of the repository; a test that needs one skips when none
// of these places has it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '../..');

/** The folders searched, in order. */
export function imoBenchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(env.QED_BENCH_DIR ? [env.QED_BENCH_DIR] : []),
    join(REPO, 'data/imo-proofbench'),
    join(REPO, '../shared/data/imo-proofbench'),
  ];
}

/** The path of `name` (e.g. `proofbench_v2.csv`) in the first folder that has it, or null. */
export function imoBenchFile(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of imoBenchDirs(env)) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}
