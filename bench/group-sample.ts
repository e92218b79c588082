// Sampling RL groups on the demo's model shape (P prompts × G samples each, prompts as long as the
// demo's, up to the demo's turn budget of new tokens), two ways side by side in one run: each prompt's
// prefill run once and copied to its group's cache slots (what the sampler does), and every sample
// prefilling its own copy of the prompt. Checks that both give the same samples. Random weights, so
// every sample runs to the token limit. Prints JSON: ms per call for each way and their ratio.
// Run: node --import tsx bench/group-sample.ts [--prompts 4] [--group 16] [--calls 10]
import { Rng } from '../src/core/rng.ts';
import { FULL_DEMO } from '../src/train/demo-config.ts';
import { createGPT } from '../src/tiny/gpt.ts';
import { sample, type SampleResult } from '../src/tiny/sample.ts';
import { numberArg } from './args.ts';

const P = numberArg('prompts', 4);
const G = numberArg('group', 16);
const calls = numberArg('calls', 10);
const PROMPT = 92; // the demo's solve prompts are 90–96 tokens
const NEW = 96; // the demo's turn budget when the README's figures were measured (130 now)
const model = createGPT({ vocab: FULL_DEMO.vocab, ...FULL_DEMO.model }, 1);

function call(share: boolean, c: number): { ms: number; out: SampleResult[] } {
  const r = new Rng(1000 + c);
  const distinct = Array.from({ length: P }, () =>
    Array.from({ length: PROMPT }, () => r.int(0, FULL_DEMO.vocab - 1)),
  );
  const prompts = distinct.flatMap((p) => Array.from({ length: G }, () => p));
  const seeds = prompts.map((_p, i) => c * 1000 + i);
  const t0 = performance.now();
  const out = sample(model, { prompts, seeds, maxNewTokens: NEW, temperature: 0.8, sharePrefill: share });
  return { ms: performance.now() - t0, out };
}

call(true, 0); // warm-up
call(false, 0);
let shared = 0;
let separate = 0;
let same = true;
for (let c = 1; c <= calls; c++) {
  // Alternate which way runs first, so drift on a shared machine falls on both.
  const a = c % 2 ? call(true, c) : undefined;
  const b = call(false, c);
  const s = a ?? call(true, c);
  shared += s.ms;
  separate += b.ms;
  same &&= JSON.stringify(s.out) === JSON.stringify(b.out);
}
console.log(
  JSON.stringify({
    prompts: P,
    group: G,
    promptTokens: PROMPT,
    newTokens: NEW,
    sharedPrefillMs: +(shared / calls).toFixed(1),
    separatePrefillMs: +(separate / calls).toFixed(1),
    speedup: +(separate / shared).toFixed(2),
    sameSamples: same,
  }),
);
