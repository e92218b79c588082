// Answer-checker benchmark on IMO-AnswerBench: every gold answer against itself (must be 100%
// equivalent) and against a seeded derangement of the other gold answers (must never be judged
// equivalent unless the two gold answers really are equal). Prints figures and timing as JSON.
// Usage: npx tsx bench/answer-check.ts [answerbench.csv] [--seed N] (default: the CSV found as the tests find it)
import { imoBenchFile } from '../src/data/imo-bench-files.ts';
import { loadProblems } from '../src/data/index.ts';
import { checkEquivalence, normalizeAnswer } from '../src/answers/index.ts';
import { Rng } from '../src/core/rng.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? imoBenchFile('answerbench_v2.csv');
if (!file) throw new Error('answerbench_v2.csv not found: pass its path or set QED_BENCH_DIR');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;

const problems = (await loadProblems(file, { skipInvalid: true })).filter((p) => p.shortAnswer?.trim());
const gold = problems.map((p) => p.shortAnswer as string);
// derangement: a shuffled order in which no answer lands on its own problem
const rng = new Rng(seed);
let order: number[];
do {
  order = gold.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
} while (order.some((j, i) => j === i));

const t0 = performance.now();
const self = gold.map((g) => checkEquivalence(g, g));
const t1 = performance.now();
// the same without the identical-text shortcut: what the structural checker decides on its own
const selfStructural = gold.map((g) => checkEquivalence(g, g, { noShortcut: true }));
const t1b = performance.now();
const shuffled = gold.map((g, i) => ({
  gold: g,
  cand: gold[order[i]],
  r: checkEquivalence(g, gold[order[i]]),
}));
const t2 = performance.now();

const count = (rs: Array<{ verdict: string }>, v: string) => rs.filter((r) => r.verdict === v).length;
const falseEq = shuffled.filter((s) => s.r.verdict === 'equivalent');
const sameText = falseEq.filter(
  (s) => normalizeAnswer(s.gold).replace(/\s+/g, '') === normalizeAnswer(s.cand).replace(/\s+/g, ''),
);
console.log(
  JSON.stringify(
    {
      file,
      answers: gold.length,
      self: {
        equivalent: count(self, 'equivalent'),
        different: count(self, 'different'),
        undecided: count(self, 'undecided'),
        ms: Math.round(t1 - t0),
      },
      selfWithoutShortcut: {
        equivalent: count(selfStructural, 'equivalent'),
        different: count(selfStructural, 'different'),
        undecided: count(selfStructural, 'undecided'),
        ms: Math.round(t1b - t1),
        notEquivalent: gold.flatMap((g, i) =>
          selfStructural[i].verdict === 'equivalent' ? [] : [[g, selfStructural[i].reason]],
        ),
      },
      shuffled: {
        equivalent: falseEq.length,
        equivalentBecauseGoldAnswersAreEqual: sameText.length,
        different: count(
          shuffled.map((s) => s.r),
          'different',
        ),
        undecided: count(
          shuffled.map((s) => s.r),
          'undecided',
        ),
        ms: Math.round(t2 - t1b),
        equivalentPairs: falseEq.map((s) => [s.gold, s.cand, s.r.reason]),
      },
      /** self + shuffled, the figure the < 5 s target is about */
      totalMs: Math.round(t1 - t0 + (t2 - t1b)),
    },
    null,
    2,
  ),
);
