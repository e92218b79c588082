// Does a demo checkpoint copy the reasoning cache's carried values, or recompute them? For every
// chain problem of a split and several carry lengths, the refinement prompt gets (a) the true summary
// and (b) a summary of random values; the model's `Given.` line (greedy) is compared position by
// position with the summary it was shown and with the truth. A model that copies matches the summary
// in both; a model that recomputes the run in its head matches the truth in both, and only as far as
// it can compute without writing steps down.
// Usage: node --import tsx bench/rc-copy-probe.ts RUN_DIR [--stage sft] [--split validation]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../src/core/problem.ts';
import { Rng } from '../src/core/rng.ts';
import { sample } from '../src/tiny/index.ts';
import { loadCheckpoint } from '../src/tiny/checkpoint.ts';
import { chainValues, parseProof, parseStatement, rcPrompt, summaryText } from '../src/toy/index.ts';
import { endId, promptIds } from '../src/train/sequences.ts';

const opt = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const runDir = process.argv[2];
if (!runDir || runDir.startsWith('--')) {
  console.error('usage: rc-copy-probe.ts RUN_DIR [--stage sft] [--split validation]');
  process.exit(2);
}
const stage = opt('stage', 'sft');
const split = opt('split', 'validation');
const CARRIES = [3, 6, 9, 12];

const { model, tokenizer } = await loadCheckpoint(join(runDir, stage, 'checkpoint'));
const problems = readFileSync(join(runDir, 'data', `${split}.jsonl`), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Problem);
const chains = problems.flatMap((p) => {
  const spec = parseStatement(p.statement)?.spec;
  return spec?.family === 'chain' ? [{ problem: p, truth: chainValues(spec).slice(1) }] : [];
});
const rng = new Rng(1);
const pct = (k: number, n: number) => (n ? `${Math.round((100 * k) / n)}`.padStart(4) : '   -');

console.log(`${runDir} ${stage}, ${split}: ${chains.length} chain problems, carries of ${CARRIES.join('/')}`);
console.log('% of Given values equal to the summary shown / to the truth, by position (A, B, …)');
for (const mode of ['true', 'random'] as const) {
  const cases = chains.flatMap(({ problem, truth }) =>
    CARRIES.filter((k) => k < truth.length).map((k) => {
      const shown = mode === 'true' ? truth.slice(0, k) : truth.slice(0, k).map(() => rng.int(0, 4));
      return { prompt: promptIds(tokenizer, rcPrompt(problem, summaryText(shown))), shown, truth };
    }),
  );
  const outs = sample(model, {
    prompts: cases.map((c) => c.prompt),
    seeds: cases.map((_, i) => i),
    maxNewTokens: 64,
    temperature: 0,
    stopTokens: [endId(tokenizer)],
  });
  const n = new Array<number>(CARRIES.at(-1)!).fill(0);
  const asShown = [...n];
  const asTrue = [...n];
  outs.forEach((o, i) => {
    const given = parseProof(tokenizer.decode(o.tokens)).find((l) => l.kind === 'given');
    const values = given?.kind === 'given' ? given.values : [];
    cases[i].shown.forEach((v, j) => {
      n[j]++;
      if (values[j] === v) asShown[j]++;
      if (values[j] === cases[i].truth[j]) asTrue[j]++;
    });
  });
  console.log(`${mode} summary, = shown: ${asShown.map((k, j) => pct(k, n[j])).join('')}`);
  console.log(`${mode} summary, = truth: ${asTrue.map((k, j) => pct(k, n[j])).join('')}`);
}
