// Helper the Python interop tests run with `node --import tsx`: `toy-problems OUT N SEED` writes N
// Olympiad-lite problems (with reference proofs) as JSONL; `read-parquet FILE` prints the rows our
// Parquet reader returns as JSON (bigints as strings, bytes as arrays) for comparison with pyarrow.
import { writeFileSync } from 'node:fs';
import { deriveSeed } from '../../src/core/rng.ts';
import { readParquet } from '../../src/data/index.ts';
import { generateProblem } from '../../src/toy/index.ts';

const [command, ...args] = process.argv.slice(2);
if (command === 'toy-problems') {
  const [out, n, seed] = args;
  const rows = Array.from({ length: Number(n) }, (_, i) =>
    generateProblem(deriveSeed(Number(seed ?? 0), i), 'short', `toy-${i}`),
  );
  writeFileSync(out, rows.map((p) => `${JSON.stringify(p)}\n`).join(''));
} else if (command === 'read-parquet') {
  const rows = await readParquet(args[0]);
  const replacer = (_k: string, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v;
  process.stdout.write(`${JSON.stringify(rows, replacer)}\n`);
} else {
  process.stderr.write('usage: qed-helper.ts toy-problems OUT N [SEED] | read-parquet FILE\n');
  process.exitCode = 2;
}
