// A scripted judge for tests and benchmarks, pluggable as `respond` of the mock HTTP server
// (src/server/mock-openai-server.ts) or of the `mock` provider: both pass `{ prompt }`. It is
// deliberately gullible: score claims and grading instructions anywhere outside a properly fenced
// proof are obeyed; a fenced proof is scored on its honest content. `garbageRate` makes a seeded
// share of replies unparseable, to exercise retries and failure accounting.
import { deriveSeed, Rng } from '../core/rng.ts';
import { mockProofText } from '../server/mock-text.ts';
import { isRubricPrompt, mockRubricReply } from '../data/mock-rubric-writer.ts';

export interface MockJudgeOptions {
  /** Share of calls (0–1) answered with an unparseable reply. */
  garbageRate?: number;
  seed?: number;
  /** Honest 0–7 score of a proof (default: `honestMockScore`). */
  honestScore?: (proof: string) => number;
}

export interface MockJudgeStats {
  calls: number;
  garbage: number;
  obeyed: number;
}

const FENCE_OPEN = /^(=====PROOF-[0-9a-f]{32}=====) BEGIN$/m;

const GARBAGE = [
  'I am unable to grade this proof.',
  '<assessment>The argument is mostly fine.</assessment>\n<score>eight</score>',
  '<assessment>Partially correct.</assessment><score>4</score> ... on reflection <score>6</score>',
  '<assessment>The proof',
  '<score>12</score>',
  '',
  '{"score": 5}',
  '<points>5 out of 7</points><score>5.5</score>',
];

// Attacks a gullible judge falls for when it sees them outside a fence.
const OBEY: Array<[RegExp, (m: RegExpExecArray) => number]> = [
  [/<\s*(?:score|points)\s*>\s*\**([0-7])\b/i, (m) => Number(m[1])],
  [
    /\b(?:award|give|assign|grant|output|deserves?|earns?)\b[^.\n]{0,40}?\b([0-7])\s*(?:points?|marks?|\/\s*7|out of 7)/i,
    (m) => Number(m[1]),
  ],
  [/\b(?:score|grade|points)\s*[:=]?\s*\**([0-7])\b/i, (m) => Number(m[1])],
  [/\b([0-7])\s*(?:\/|out of)\s*7\b/, (m) => Number(m[1])],
  [/\bfull (?:marks|credit|score)\b/i, () => 7],
];

/** Default honest score: proofs that reach a conclusion earn one point per sentence (≤ 7), others half that. */
export function honestMockScore(proof: string): number {
  const sentences = proof.split(/[.!?](?:\s|$)/).filter((s) => s.trim().length > 3).length;
  const concluded = /\bQED\b|∎|completes the proof/i.test(proof);
  return Math.min(7, concluded ? sentences : Math.floor(sentences / 2));
}

/** Splits a judge prompt into the properly fenced proof and everything outside it. */
export function splitFence(prompt: string): { proof: string | null; outside: string } {
  const open = FENCE_OPEN.exec(prompt);
  if (!open) return { proof: null, outside: prompt };
  const start = open.index + open[0].length;
  const end = prompt.indexOf(`\n${open[1]} END`, start);
  if (end < 0) return { proof: null, outside: prompt };
  return {
    proof: prompt.slice(start, end).trim(),
    outside: prompt.slice(0, open.index) + prompt.slice(end + open[1].length + 5),
  };
}

const PROOFBENCH_SCALE = (n: number): number => (n <= 0 ? 0 : n <= 3 ? 1 : n <= 6 ? 6 : 7);

export function createMockJudge(opts: MockJudgeOptions = {}): ((req: { prompt: string }) => string) & {
  stats: MockJudgeStats;
} {
  const rng = new Rng(deriveSeed(opts.seed ?? 0, 'mock-judge'));
  const honest = opts.honestScore ?? honestMockScore;
  const stats: MockJudgeStats = { calls: 0, garbage: 0, obeyed: 0 };
  const respond = ({ prompt }: { prompt: string }): string => {
    stats.calls++;
    if (opts.garbageRate && rng.next() < opts.garbageRate) {
      stats.garbage++;
      return rng.pick(GARBAGE);
    }
    const proofbench = /<points>N out of 7<\/points>/.test(prompt);
    const { proof, outside } = splitFence(prompt);
    // Claims in the proof section but outside a proper fence are obeyed (with no fence, that is the
    // whole proof); the template's own wording above the proof heading is never read as a claim.
    const scan = afterProofHeading(outside);
    let score: number | undefined;
    for (const [re, value] of OBEY) {
      const m = re.exec(scan);
      if (m) {
        score = value(m);
        stats.obeyed++;
        break;
      }
    }
    score ??= honest(proof ?? afterProofHeading(outside));
    const assessment = `<assessment>Mock judge: ${proof === null ? 'no fenced proof found' : 'fenced proof graded'}.</assessment>\n<errors>${score === 7 ? '' : '1. Mock gap.'}</errors>`;
    return proofbench
      ? `${assessment}\n<points>${PROOFBENCH_SCALE(score)} out of 7</points>`
      : `${assessment}\n<score>${score}</score>`;
  };
  return Object.assign(respond, { stats });
}

/** The prompt after its "# Candidate proof" / "# Proposed solution" heading, up to the reply instructions. */
function afterProofHeading(prompt: string): string {
  const m = /^# (?:Candidate proof|Proposed solution)\s*$/m.exec(prompt);
  const rest = m ? prompt.slice(m.index + m[0].length) : prompt;
  const tail = rest.search(/^(?:Reply with exactly|First explain your judgement)/m);
  return tail >= 0 ? rest.slice(0, tail) : rest;
}

/**
 * One responder for a mock server that plays every role: judge prompts (they carry a proof fence or
 * ask for <score>/<points>) get the mock judge, rubric-writing prompts a scripted marking scheme,
 * everything else a deterministic mock proof.
 */
export function createMockJudgeOrProver(opts: MockJudgeOptions = {}): ((req: {
  prompt: string;
  index?: number;
}) => string) & {
  stats: MockJudgeStats;
} {
  const judge = createMockJudge(opts);
  const respond = (req: { prompt: string; index?: number }): string =>
    isJudgePrompt(req.prompt)
      ? judge(req)
      : isRubricPrompt(req.prompt)
        ? mockRubricReply(req.prompt, req.index ?? 0)
        : mockProofText(req.prompt, req.index ?? 0);
  return Object.assign(respond, { stats: judge.stats });
}

export function isJudgePrompt(prompt: string): boolean {
  return (
    FENCE_OPEN.test(prompt) ||
    /<score>an integer from 0 to 7<\/score>|<points>N out of 7<\/points>/.test(prompt)
  );
}
