// Benchmark of `qed dedup`'s engine: N synthetic proofs (default 100k) with a planted share of
// near-duplicates (a few words edited, so their true shingle Jaccard is known), deduplicated with
// MinHash + LSH at threshold 0.7. Prints wall time, throughput, recall on the planted pairs whose true
// Jaccard is at or above the threshold, and false merges among non-planted texts, as JSON.
// Run: node --import tsx bench/dedup.ts [--n 100000] [--dup-rate 0.05] [--threshold 0.7]
import { deriveSeed, Rng } from '../src/core/rng.ts';
import { jaccardSorted, normalizeWords, shingleHashes } from '../src/data/dedup-text.ts';
import { dedupTexts } from '../src/data/dedup.ts';
import { numberArg } from './args.ts';

const n = numberArg('n', 100_000);
const dupRate = numberArg('dup-rate', 0.05);
const threshold = numberArg('threshold', 0.7);

const OPENERS = [
  'Suppose',
  'Assume',
  'Let',
  'Consider',
  'Note that',
  'Observe that',
  'Hence',
  'Therefore',
  'Thus',
  'Since',
];
const OBJECTS = [
  'n',
  'p',
  'k',
  'x',
  'a_i',
  'the sum',
  'the product',
  'f(x)',
  'the triangle ABC',
  'the residue',
  'the polynomial',
  'the sequence',
];
const RELS = [
  'divides',
  'equals',
  'is congruent to',
  'is at least',
  'is at most',
  'is coprime to',
  'exceeds',
  'bounds',
];

function sentence(rng: Rng): string {
  return `${rng.pick(OPENERS)} ${rng.pick(OBJECTS)} ${rng.pick(RELS)} ${rng.pick(OBJECTS)} ${rng.int(0, 999)} modulo ${rng.int(2, 97)}.`;
}

function proof(rng: Rng): string {
  return Array.from({ length: rng.int(8, 16) }, () => sentence(rng)).join(' ') + ' This completes the proof.';
}

function nearCopy(text: string, rng: Rng): string {
  const words = text.split(' ');
  const edits = rng.int(1, 3);
  for (let e = 0; e < edits; e++) words[rng.int(0, words.length - 1)] = `w${rng.int(0, 1e6)}`;
  return words.join(' ');
}

const rng = new Rng(deriveSeed(2026, 'bench-dedup'));
const texts: string[] = [];
const planted: Array<[number, number]> = [];
const originals = Math.round(n * (1 - dupRate));
for (let i = 0; i < originals; i++) texts.push(proof(rng));
while (texts.length < n) {
  const src = rng.int(0, originals - 1);
  planted.push([texts.length, src]);
  texts.push(nearCopy(texts[src], rng));
}

const t0 = performance.now();
const result = dedupTexts(texts, { threshold, seed: 1 });
const seconds = (performance.now() - t0) / 1000;

// Recall is measured on planted pairs whose true Jaccard reaches the threshold (a heavy edit of a short
// text can fall below it, and then keeping both is correct).
const removed = new Set(result.removed.map((h) => h.index));
const eligible = planted.filter(([a, b]) => {
  const sa = shingleHashes(normalizeWords(texts[a]), result.params.shingle);
  const sb = shingleHashes(normalizeWords(texts[b]), result.params.shingle);
  return jaccardSorted(sa, sb) >= threshold;
});
const found = eligible.filter(([dup]) => removed.has(dup)).length;
const plantedSet = new Set(planted.map(([d]) => d));
const falseMerges = result.removed.filter((h) => !plantedSet.has(h.index)).length;
const report = {
  texts: n,
  planted: planted.length,
  plantedAboveThreshold: eligible.length,
  recall: eligible.length ? found / eligible.length : 1,
  removed: result.removed.length,
  removedNotPlanted: falseMerges,
  candidatePairs: result.candidates,
  params: result.params,
  seconds: Number(seconds.toFixed(2)),
  textsPerSecond: Math.round(n / seconds),
  heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.recall < 0.95) process.exitCode = 1;
