import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { RubricSchema, rubricMaxPoints } from '../core/rubric.ts';
import type { Problem } from '../core/problem.ts';
import {
  DEFAULT_ERROR_RATES,
  ERROR_KINDS,
  NO_ERRORS,
  buildSftSet,
  buildSplits,
  caseComputation,
  checkProof,
  consecutiveForm,
  consecutiveProduct,
  createToyGrader,
  generateSpec,
  hornerText,
  metaOf,
  parseStatement,
  polyResidues,
  polyText,
  readsLeftToRight,
  pretrainCorpus,
  respondAsToyJudge,
  shortQuotas,
  statementOf,
  summarizeToy,
  teacherProof,
  turnBudget,
} from './index.ts';

// 3 → *4 → 5 → +2 → 0 → *5 → 0 → +1 → 1 (mod 7); segments [a] [b c] [d], 2 points each.
const CHAIN = 'Start with 3. Apply a*4 b+2 c*5 d+1 in turn, mod 7. Prove that the result is 1.';
const A = 'Step a. 3*4 ≡ 5.';
const B = 'Step b. 5+2 ≡ 0.';
const C = 'Step c. 0*5 ≡ 0.';
const D = 'Step d. 0+1 ≡ 1.';
const END = 'Conclusion. The result is 1. QED';
// n*n+n, in Horner's form (n+1)*n, mod 4: 0, 2, 2, 0; groups {0,1} and {2,3}.
const CASES = 'Prove that (n+1)*n mod 4 is always 0 or 2.';
const K = [
  'Case 0. 0+1 ≡ 1*0 ≡ 0.',
  'Case 1. 1+1 ≡ 2*1 ≡ 2.',
  'Case 2. 2+1 ≡ 3*2 ≡ 2.',
  'Case 3. 3+1 ≡ 0*3 ≡ 0.',
];
/** The proof of CASES with its case 2 line replaced. */
const withCase2 = (line: string) => [K[0], K[1], line, K[3], 'Conclusion. Every case gives 0 or 2. QED'];
const ROADS = 'Prove that 6 divides n*n*n-n for every integer n.';
const FACTOR = 'Factor. n*n*n-n = (n-1)*n*(n+1).';
const PRODUCT = 'Product. These are 3 consecutive integers, so the product is divisible by 6.';
const R = [0, 1, 2, 3, 4, 5].map((r) => `Case ${r} gives 0.`);

const table: Array<[string, string, string[], number]> = [
  ['chain: complete', CHAIN, [A, B, C, D, END], 7],
  [
    'chain: slip that propagates, wrong conclusion',
    CHAIN,
    [A, 'Step b. 5+2 ≡ 1.', 'Step c. 1*5 ≡ 5.', 'Step d. 5+1 ≡ 6.', 'Conclusion. The result is 6. QED'],
    1,
  ],
  ['chain: missing step', CHAIN, [A, B, D, END], 5],
  ['chain: unjustified step', CHAIN, [A, B, 'Step c. Clearly the value is 0.', D, END], 4],
  ['chain: early stop', CHAIN, [A, B], 2],
  [
    'chain: reordered, repeated, garbage',
    CHAIN,
    ['blah blah', D, A, 'Step z. 1+1 ≡ 2.', C, A, 'Step c. 0*5 ≡', B, '', END, END],
    7,
  ],
  ['chain: wrong operation', CHAIN, [A, 'Step b. 5*2 ≡ 3.', C, D, END], 4],
  ['chain: true carried run from step a counts', CHAIN, ['Given. A 5 B 0 C 0.', D, END], 7],
  ['chain: carried run alone, no last step', CHAIN, ['Given. A 5 B 0.', END], 2],
  ['chain: one carried value', CHAIN, ['Given. A 5.', B, C, D, END], 7],
  [
    'chain: false carried value zeroes the proof',
    CHAIN,
    ['Given. A 5 B 0 C 3.', 'Step d. 3+1 ≡ 4.', 'Conclusion. The result is 4. QED'],
    0,
  ],
  ['chain: one false value early in a carried run zeroes it', CHAIN, ['Given. A 6 B 0 C 0.', D, END], 0],
  ['chain: a run that does not start at step a is not a carry', CHAIN, ['Given. B 0 C 0.', D, END], 3],
  ['chain: a run with a gap is not a carry', CHAIN, ['Given. A 5 C 0.', D, END], 3],
  ['chain: lower-case names are not a carry', CHAIN, ['Given. a 5 b 0 c 0.', D, END], 3],
  ['chain: conclusion only', CHAIN, [END], 0],
  ['chain: empty', CHAIN, [], 0],
  ['cases: complete', CASES, [...K, 'Conclusion. Every case gives 0 or 2. QED'], 7],
  ['cases: missing case', CASES, [...K.slice(0, 3), 'Conclusion. Every case gives 0 or 2. QED'], 3],
  ['cases: false case', CASES, withCase2('Case 2. 2+1 ≡ 3*2 ≡ 0.'), 2],
  ['cases: a false step is not rescued by a right last value', CASES, withCase2('Case 2. 2+1 ≡ 1*2 ≡ 2.'), 2],
  ['cases: a case that computes another expression', CASES, withCase2('Case 2. 2+2 ≡ 0*2 ≡ 0.'), 2],
  ['cases: a stated value is not a computation', CASES, withCase2('Case 2 gives 2.'), 2],
  ['cases: wrong conclusion', CASES, [...K, 'Conclusion. Every case gives 0, 1 or 2. QED'], 3],
  [
    'cases: unjustified case',
    CASES,
    [K[0], 'Case 1 is clear.', K[2], K[3], 'Conclusion. Every case gives 0 or 2. QED'],
    2,
  ],
  ['roads: factorisation route', ROADS, [FACTOR, PRODUCT, 'Conclusion. 6 divides n*n*n-n. QED'], 7],
  ['roads: case route', ROADS, [...R, 'Conclusion. 6 divides n*n*n-n. QED'], 7],
  [
    'roads: both routes count once (max, not sum)',
    ROADS,
    [...R, FACTOR, PRODUCT, 'Conclusion. 6 divides n*n*n-n. QED'],
    7,
  ],
  [
    'roads: false factorisation',
    ROADS,
    ['Factor. n*n*n-n = (n-1)*n*(n+2).', PRODUCT, 'Conclusion. 6 divides n*n*n-n. QED'],
    0,
  ],
  ['roads: factor only', ROADS, [FACTOR, 'Conclusion. 6 divides n*n*n-n. QED'], 3],
  [
    'roads: unjustified product',
    ROADS,
    [FACTOR, 'Product. Clearly the product is divisible by 6.', 'Conclusion. 6 divides n*n*n-n. QED'],
    2,
  ],
  ['roads: half the cases', ROADS, [...R.slice(0, 3), 'Conclusion. 6 divides n*n*n-n. QED'], 3],
];

describe('toy grader on hand-written proofs', () => {
  it.each(table)('%s', (_name, statement, lines, score) => {
    const r = checkProof(statement, lines.join('\n'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.verdict.score).toBe(score);
  });

  it('says why a two-roads conclusion about another polynomial earns no conclusion point', () => {
    const r = checkProof(ROADS, [FACTOR, PRODUCT, 'Conclusion. 6 divides n*n*n+n. QED'].join('\n'));
    expect(r.ok && r.verdict.score).toBe(6);
    expect(r.ok && r.verdict.errors).toEqual([
      'The conclusion "6 divides n*n*n+n" is not the statement (6 divides n*n*n-n).',
    ]);
  });

  it('is deterministic and a failure is not a score', async () => {
    const grader = createToyGrader();
    const attempt = {
      problemId: 'p',
      sampleIndex: 0,
      scaffold: 'pure',
      turns: [],
      finalProof: [A, B, C, D, END].join('\n'),
      usage: { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cost: 0, latencyMs: 0, calls: 0 },
      cost: 0,
    };
    const g1 = await grader.grade({ problem: { id: 'p', statement: CHAIN }, attempt });
    const g2 = await grader.grade({ problem: { id: 'p', statement: CHAIN }, attempt });
    expect(g1).toEqual(g2);
    expect(g1.score).toBe(7);
    const bad = await grader.grade({
      problem: { id: 'q', statement: 'Prove the Riemann hypothesis.' },
      attempt,
    });
    expect(bad.score).toBeNull();
    expect(bad.graderError).toMatch(/not an Olympiad-lite/);
    const falseClaim = await grader.grade({
      problem: { id: 'q', statement: CHAIN.replace('is 1.', 'is 2.') },
      attempt,
    });
    expect(falseClaim.score).toBeNull();
  });

  it('speaks the judge XML for a rubric prompt', () => {
    const prompt = `Grade it.\n\n# Problem\n${CHAIN}\n\n# Marking scheme\nseg-1 (2 points)\n\n# Candidate proof\n~~~~ BEGIN\n${[A, B, 'Step c. Clearly the value is 0.', D, END].join('\n')}\n~~~~ END\n\nReply with XML.`;
    const xml = respondAsToyJudge(prompt);
    expect(xml).toMatch(/<score>4<\/score>/);
    expect(xml).toMatch(/<errors>\n1\. Step c asserts a value without computing it\.\n<\/errors>/);
    expect(respondAsToyJudge('hello')).not.toMatch(/<score>/);
  });

  it('grades at least 10,000 proofs per CPU-second', () => {
    const proofs = [
      [A, B, C, D, END].join('\n'),
      [...K, 'Conclusion. Every case gives 0 or 2. QED'].join('\n'),
    ];
    const statements = [CHAIN, CASES];
    // CPU time, not wall time: the grader's speed should not depend on how busy the machine is.
    const start = process.cpuUsage();
    let n = 0;
    while (n < 20000) {
      checkProof(statements[n % 2], proofs[n % 2]);
      n++;
    }
    const used = process.cpuUsage(start);
    const perSecond = n / ((used.user + used.system) / 1e6);
    expect(perSecond).toBeGreaterThan(10000);
  });
});

describe('Olympiad-lite generation', () => {
  const splits = buildSplits({ seed: 7, train: 300, validation: 40, test: 80 });

  it('round-trips statements and gives valid rubrics worth 7 with reference proofs scoring 7', () => {
    for (const p of [...splits.train, ...splits.test]) {
      expect(parseStatement(p.statement)).not.toBeNull();
      const rubric = RubricSchema.parse(p.rubric);
      expect(rubricMaxPoints(rubric)).toBe(7);
      const r = checkProof(p.statement, p.referenceSolution ?? '');
      expect(r.ok && r.verdict.score).toBe(7);
    }
    const spec = generateSpec('roads', 3, 6);
    expect(statementOf(spec)).toMatch(/^Prove that 6 divides/);
  });

  it('splits by seed with no overlap and are reproducible', () => {
    const sets = [splits.train, splits.validation, splits.test].map(
      (s) => new Set(s.map((p) => p.statement)),
    );
    for (let i = 0; i < 3; i++)
      for (let j = i + 1; j < 3; j++) expect([...sets[i]].filter((s) => sets[j].has(s))).toEqual([]);
    expect(buildSplits({ seed: 7, train: 300, validation: 40, test: 80 }).test).toEqual(splits.test);
    expect(splits.test.filter((p) => (p.meta as { length: string }).length === 'long').length).toBe(20);
  });

  it('stratifies the held-out splits by family in the SHORT_MIX proportions', () => {
    expect(shortQuotas(60)).toEqual([
      ['chain', 27],
      ['cases', 18],
      ['roads', 15],
    ]);
    expect(shortQuotas(30)).toEqual([
      ['chain', 14],
      ['cases', 9],
      ['roads', 7],
    ]);
    expect(shortQuotas(1)).toEqual([
      ['chain', 1],
      ['cases', 0],
      ['roads', 0],
    ]);
    const count = (ps: readonly Problem[]) => {
      const c: Record<string, number> = {};
      for (const p of ps) {
        const m = metaOf(p)!;
        const k = m.length === 'long' ? 'long' : m.family;
        c[k] = (c[k] ?? 0) + 1;
      }
      return c;
    };
    for (const seed of [1, 2, 3]) {
      const s = buildSplits({ seed, train: 300, validation: 40, test: 80 });
      expect(count(s.test)).toEqual({ chain: 27, cases: 18, roads: 15, long: 20 });
      expect(count(s.validation)).toEqual({ chain: 14, cases: 9, roads: 7, long: 10 });
      // the families are interleaved, not in blocks
      expect(new Set(s.test.slice(0, 10).map((p) => metaOf(p)!.family)).size).toBeGreaterThan(1);
    }
  });

  it('draws every family into the training split, so SFT and RL see each one', () => {
    const big = buildSplits({ seed: 1, train: 1200, validation: 40, test: 80 });
    for (const family of ['chain', 'cases', 'roads']) {
      const n = big.train.filter((p) => metaOf(p)?.family === family).length;
      expect(n, family).toBeGreaterThanOrEqual(40);
    }
  });

  it('writes case polynomials in Horner form, whose left-to-right reading each case computes', () => {
    expect(hornerText([3, 1, 2])).toBe('(2*n+1)*n+3');
    expect(hornerText([3, 0, 2])).toBe('2*n*n+3');
    expect(hornerText([0, 1, 1])).toBe('(n+1)*n');
    expect(hornerText([0, 0, 1])).toBe('n*n');
    expect(() => hornerText([1, -1, 1])).toThrow(/non-negative/);
    expect(caseComputation('(2*n+1)*n+3', 2, 5)).toEqual({
      start: 2,
      ops: [
        { op: '*', k: 2, v: 4 },
        { op: '+', k: 1, v: 0 },
        { op: '*', k: 2, v: 0 },
        { op: '+', k: 3, v: 3 },
      ],
    });
    for (let a = 1; a <= 3; a++)
      for (let b = 0; b <= 4; b++)
        for (let c = 0; c <= 4; c++)
          for (let m = 3; m <= 5; m++) {
            const poly = hornerText([c, b, a]);
            polyResidues(poly, m).forEach((want, r) =>
              expect(caseComputation(poly, r, m)?.ops.at(-1)?.v).toBe(want),
            );
          }
    expect(caseComputation('n*n*n-n', 2, 6)).toBeNull();
    // a case statement must mean its left-to-right reading; a two-roads one need not, and a case
    // line that follows such a reading establishes nothing
    expect(readsLeftToRight('(2*n+1)*n+3')).toBe(true);
    expect(readsLeftToRight('n*n+3*n')).toBe(false);
    expect(parseStatement('Prove that n*n+3*n mod 4 is always 0 or 2.')).toBeNull();
    const roads = 'Prove that 2 divides n*n+3*n+2 for every integer n.';
    const leftToRight = ['Case 0. 0*0 ≡ 0+3 ≡ 1*0 ≡ 0+2 ≡ 0.', 'Case 1. 1*1 ≡ 1+3 ≡ 0*1 ≡ 0+2 ≡ 0.'];
    const r = checkProof(roads, [...leftToRight, 'Conclusion. 2 divides n*n+3*n+2. QED'].join('\n'));
    expect(r.ok && r.verdict.score).toBe(0);
    expect(r.ok && r.verdict.errors[0]).toBe('Case 0 does not compute n*n+3*n+2 at n = 0.');
  });

  it('writes polynomials as statements do and recovers consecutive products from any written form', () => {
    expect(polyText([0, -1, 0, 1])).toBe('n*n*n-n');
    expect(polyText([3, 0, 2])).toBe('2*n*n+3');
    expect(polyText([-6, 11, -6, 1])).toBe('n*n*n-6*n*n+11*n-6');
    expect(polyText([0])).toBe('0');
    const p = consecutiveProduct(-3, 3);
    expect(p).toEqual({ text: 'n*n*n-6*n*n+11*n-6', factor: '(n-3)*(n-2)*(n-1)', run: 3 });
    expect(consecutiveForm('n*n*n-n')).toEqual({ text: 'n*n*n-n', factor: '(n-1)*n*(n+1)', run: 3 });
    expect(consecutiveForm('n*n+11*n+30')?.factor).toBe('(n+5)*(n+6)');
    expect(consecutiveForm('n*n+1')).toBeUndefined();
    // a two-roads statement needs a consecutive product; a case statement takes any polynomial
    expect(parseStatement('Prove that 2 divides n*n+1 for every integer n.')).toBeNull();
    expect(parseStatement('Prove that 3*n*n+2 mod 4 is always 2 or 3.')?.spec).toEqual({
      family: 'cases',
      poly: '3*n*n+2',
      mod: 4,
    });
  });

  it('ties the turn budget to the tokenizer: long proofs never fit one turn', () => {
    const count = (s: string) => Math.ceil(s.length / 3);
    const b = turnBudget(count, splits.test);
    expect(b.longMin).toBeGreaterThan(b.tokens);
    expect(() => turnBudget((s) => (s.length > 100 ? 1 : 0), splits.test)).toThrow(/would fit/);
  });

  it('injects teacher errors at the configured rates', () => {
    const rates = { slip: 0.2, missing: 0.1, unjustified: 0.1, 'early-stop': 0.05 };
    const rng = new Rng(11);
    const counts = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const t = teacherProof(generateSpec(i % 2 ? 'cases' : 'chain', i), rng, rates);
      counts.set(String(t.error), (counts.get(String(t.error)) ?? 0) + 1);
    }
    for (const k of ERROR_KINDS) expect(Math.abs((counts.get(k) ?? 0) / n - rates[k])).toBeLessThan(0.025);
    expect(Math.abs((counts.get('null') ?? 0) / n - 0.55)).toBeLessThan(0.03);
  });

  it('costs a computed cases proof points for every injected error; a slip computes on from its wrong residue', () => {
    const spec = generateSpec('cases', 3, 5);
    const statement = statementOf(spec);
    const rng = new Rng(5);
    for (const error of ['slip', 'missing', 'unjustified'] as const) {
      for (let i = 0; i < 20; i++) {
        const t = teacherProof(spec, rng, { ...NO_ERRORS, [error]: 1 });
        const r = checkProof(statement, t.proof);
        expect(r.ok && r.verdict.score, `${error}: ${t.proof}`).toBeLessThan(7);
        if (error !== 'slip') continue;
        // Exactly one false residue: the values after it follow from it.
        expect(r.ok && r.verdict.falseClaims).toBe(1);
      }
    }
  });

  it('builds a FineProofs-like set whose grades spread over 0–7', () => {
    const rows = buildSftSet(splits.train, { seed: 1, rates: DEFAULT_ERROR_RATES });
    const grades = new Set(rows.map((r) => r.grade));
    expect(grades.size).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r.error === null && r.kind !== 'rc-refine').every((r) => r.grade === 7)).toBe(
      true,
    );
    expect(rows.some((r) => r.kind === 'rc-refine' && r.proof.startsWith('Given.'))).toBe(true);
  });

  it('gives every long problem reasoning-cache rows when asked, and error-free refinements carry true values', () => {
    const rows = buildSftSet(splits.train, { seed: 1, rcFraction: 0, refinePerLong: 3, rates: NO_ERRORS });
    const long = splits.train.filter((p) => metaOf(p)?.length === 'long');
    expect(long.length).toBeGreaterThan(0);
    for (const p of long) {
      const mine = rows.filter((r) => r.problemId === p.id);
      expect(mine.map((r) => r.kind).sort()).toEqual([
        'rc-first',
        'rc-refine',
        'rc-refine',
        'rc-refine',
        'solve',
      ]);
    }
    expect(rows.filter((r) => r.kind !== 'solve').every((r) => long.some((p) => p.id === r.problemId))).toBe(
      true,
    );
    const refines = rows.filter((r) => r.kind === 'rc-refine');
    expect(refines.every((r) => r.grade === 7 && /^Given\. A \d/.test(r.proof))).toBe(true);
  });

  it('pretraining corpus has no house-style proofs and no held-out statements', () => {
    const text = pretrainCorpus({ seed: 1, lines: 500, statements: splits.train.map((p) => p.statement) });
    expect(text).not.toMatch(/^Step [a-x]\./m);
    expect(text).not.toMatch(/^Case \d+/m);
    expect(text).not.toMatch(/Conclusion\./);
    for (const p of splits.test) expect(text.includes(p.statement)).toBe(false);
  });

  it('pretraining corpus lookup lines read operations back by letter and copy lettered values', () => {
    const opts = { seed: 2, lines: 400, statements: ['S'] };
    const plain = pretrainCorpus(opts);
    expect(plain).not.toMatch(/Again:|\. Then /);
    const lines = pretrainCorpus({ ...opts, lookup: 0.5 }).split('\n');
    const ops = lines.filter((l) => l.startsWith('Apply '));
    const copies = lines.filter((l) => l.startsWith('Known: '));
    expect(ops.length + copies.length).toBeGreaterThan(150);
    expect(ops.length + copies.length).toBeLessThan(250);
    for (const l of ops) {
      const [, list, asked] = /^Apply (.*)\. Then (.*)\.$/.exec(l)!;
      for (const a of asked.split(', ')) expect(list.split(' ')).toContain(a);
    }
    for (const l of copies) {
      const [, a, b] = /^Known: (.*)\. Again: (.*)\.$/.exec(l)!;
      expect(b).toBe(a);
    }
    expect(lines.join('\n')).not.toMatch(/^Step [a-x]\./m);
    expect(() => pretrainCorpus({ ...opts, lookup: 2 })).toThrow(/lookup must be in \[0, 1\]/);
  });

  it('summarizer carries the unbroken run of claimed values from step a, unchecked', () => {
    const problem = { id: 'p', statement: CHAIN };
    const s1 = summarizeToy({ problem, summary: null, reasoning: [A, B].join('\n') });
    expect(s1).toBe('Known: A 5 B 0.');
    expect(summarizeToy({ problem, summary: s1, reasoning: 'garbage' })).toBe(s1);
    expect(summarizeToy({ problem, summary: s1, reasoning: ['Given. A 5 B 0.', C].join('\n') })).toBe(
      'Known: A 5 B 0 C 0.',
    );
    // as claimed: a false value is carried; a gap ends the run
    expect(summarizeToy({ problem, summary: null, reasoning: ['Step a. 3*4 ≡ 6.', C].join('\n') })).toBe(
      'Known: A 6.',
    );
    expect(summarizeToy({ problem, summary: null, reasoning: [B, C].join('\n') })).toBe(
      'Known: nothing carried.',
    );
    // a summary whose run ends at step a carries over
    expect(summarizeToy({ problem, summary: 'Known: A 5.', reasoning: B })).toBe('Known: A 5 B 0.');
    expect(
      summarizeToy({ problem: { id: 'q', statement: CASES }, summary: null, reasoning: K.join('\n') }),
    ).toBe('Known: nothing carried.');
  });
});
