import { describe, expect, it } from 'vitest';
import type { Problem } from '../core/problem.ts';
import {
  createMockProvider,
  type MockProviderCall as ProviderCall,
  type MockProviderReply as ScriptedReply,
} from '../providers/mock-provider.ts';
import type { Provider } from '../providers/types.ts';
import { getScaffold, parseOptionPairs, parseScaffoldOptions } from './registry.ts';
import { runScaffold, type ProviderMap } from './run-scaffold.ts';
import { parseBest } from './best-of-n.ts';
import { parseIssues } from './generate-verify-refine.ts';
import { parseVerdict } from './self-check.ts';
import { splitThinking } from './think.ts';

const problem: Problem = { id: 'p1', statement: 'Prove that 1 + 1 = 2.' };

/** The scripted mock provider with a price per token, so cost accounting is visible. */
function priced(respond: (c: ProviderCall) => ScriptedReply, model: string, perToken = 0) {
  const mock = createMockProvider({ model, respond });
  const provider: Provider = {
    name: model,
    generate: async (req) => {
      const r = await mock.generate(req);
      const tokens = r.usage.promptTokens + r.usage.completionTokens;
      return { ...r, usage: { ...r.usage, cost: tokens * perToken } };
    },
  };
  return Object.assign(provider, { calls: mock.calls });
}

function run(
  name: string,
  respond: (c: ProviderCall) => ScriptedReply,
  options: Record<string, unknown> = {},
  extra: Record<string, (c: ProviderCall) => ScriptedReply> = {},
) {
  const policy = priced(respond, 'policy', 0.001);
  const providers: ProviderMap = { policy };
  const others = Object.fromEntries(Object.entries(extra).map(([k, f]) => [k, priced(f, k)]));
  Object.assign(providers, others);
  const scaffold = getScaffold(name);
  const attempt = runScaffold(
    scaffold,
    { problem, sampleIndex: 0, seed: 42 },
    { providers, options: parseScaffoldOptions(scaffold, options), sampling: { maxTokens: 999 } },
  );
  return { attempt, policy, others };
}

describe('splitThinking', () => {
  it.each([
    ['plain answer', undefined, { content: 'plain answer' }],
    ['<think>a b</think> proof', undefined, { content: 'proof', reasoning: 'a b' }],
    ['a b</think>proof', undefined, { content: 'proof', reasoning: 'a b' }],
    ['<think>cut off', undefined, { content: '', reasoning: 'cut off' }],
    ['proof', 'server cot', { content: 'proof', reasoning: 'server cot' }],
  ])('%j', (text, server, want) => {
    expect(splitThinking(text, server)).toEqual(want);
  });
});

describe('reply parsers', () => {
  it.each([
    ['<issues>none</issues>', []],
    ['<issues>\n- step 2 wrong\n2) missing case n=0\n</issues>', ['step 2 wrong', 'missing case n=0']],
    ['looks fine', null],
  ])('parseIssues %j', (text, want) => expect(parseIssues(text)).toEqual(want));
  it.each([
    ['bug <verdict>no</verdict> ... <verdict>YES</verdict>', 'yes'],
    ['<verdict>no</verdict>', 'no'],
    ['no tag', null],
  ])('parseVerdict %j', (text, want) => expect(parseVerdict(text)).toBe(want));
  it.each([
    ['<best>2</best>', 3, 2],
    ['<best>4</best>', 3, null],
    ['none', 3, null],
  ])('parseBest %j', (text, n, want) => expect(parseBest(text, n)).toBe(want));
});

describe('scaffolds', () => {
  it('pure: one call, post-think content is the proof, usage and cost accounted', async () => {
    const { attempt, policy } = run('pure', () => ({ text: 'proof text', reasoning: 'think think' }));
    const a = await attempt;
    expect(policy.calls).toHaveLength(1);
    expect(policy.calls[0].prompt).toContain(problem.statement);
    expect(policy.calls[0].request.maxTokens).toBe(999);
    expect(a.finalProof).toBe('proof text');
    expect(a.turns).toHaveLength(1);
    expect(a.turns[0]).toMatchObject({ role: 'answer', reasoning: 'think think', finishReason: 'stop' });
    expect(a.usage.calls).toBe(1);
    expect(a.usage.reasoningTokens).toBe(2);
    expect(a.usage.completionTokens).toBe(4);
    expect(a.cost).toBeCloseTo(a.usage.cost);
    expect(a.cost).toBeGreaterThan(0);
  });

  it('reasoning-cache: no-summary first turn, summary replaces the previous one, budgets, last proof', async () => {
    let r = 0;
    let s = 0;
    const { attempt, policy, others } = run(
      'reasoning-cache',
      () => `<think>thoughts ${++r}</think>proof ${r}`,
      { iterations: 3, reasonTokens: 500, summaryTokens: 50 },
      { summarizer: () => `summary ${++s}` },
    );
    const a = await attempt;
    const reasons = policy.calls;
    const sums = others.summarizer.calls;
    expect(reasons).toHaveLength(3);
    expect(sums).toHaveLength(2);
    expect(reasons[0].prompt).toContain('No previous summary');
    expect(reasons[0].prompt).toContain('Solve the problem from scratch');
    expect(reasons[1].prompt).toContain('summary 1');
    expect(reasons[1].prompt).not.toContain('No previous summary');
    expect(reasons[2].prompt).toContain('summary 2');
    expect(reasons[2].prompt).not.toContain('summary 1');
    // The summarizer sees the reasoning part only, and the summary it replaces.
    expect(sums[0].prompt).toContain('thoughts 1');
    expect(sums[0].prompt).not.toContain('proof 1');
    expect(sums[1].prompt).toContain('summary 1');
    expect(sums[1].prompt).toContain('thoughts 2');
    expect(reasons.every((c) => c.request.maxTokens === 500)).toBe(true);
    expect(sums.every((c) => c.request.maxTokens === 50)).toBe(true);
    expect(a.turns.map((t) => t.role)).toEqual(['reason', 'summarize', 'reason', 'summarize', 'reason']);
    expect(a.turns[1].model).toBe('summarizer');
    expect(a.finalProof).toBe('proof 3');
    expect(a.usage.calls).toBe(5);
  });

  it('reasoning-cache: a programmatic summarizer replaces the model, content used when there is no </think>', async () => {
    const seen: Array<{ summary: string | null; reasoning: string }> = [];
    let r = 0;
    const { attempt, policy } = run('reasoning-cache', () => `answer ${++r}`, {
      iterations: 2,
      summarize: ({ summary, reasoning }: { summary: string | null; reasoning: string }) => {
        seen.push({ summary, reasoning });
        return 'PROGRAMMATIC';
      },
    });
    const a = await attempt;
    expect(policy.calls).toHaveLength(2);
    expect(seen).toEqual([{ summary: null, reasoning: 'answer 1' }]);
    expect(policy.calls[1].prompt).toContain('PROGRAMMATIC');
    expect(a.turns.map((t) => [t.role, t.model])).toEqual([
      ['reason', 'policy'],
      ['summarize', 'programmatic'],
      ['reason', 'policy'],
    ]);
    expect(a.finalProof).toBe('answer 2');
  });

  it('reasoning-cache with stopWhenFinished: a turn cut at its budget goes on, one that ends on its own is the last', async () => {
    const replies: ScriptedReply[] = [
      { text: '<think>long</think>proof 1', finishReason: 'length' },
      { text: '<think>still thinking', finishReason: 'stop' },
      { text: '<think>done</think>proof 3', finishReason: 'stop' },
      { text: 'never asked' },
    ];
    let r = 0;
    const { attempt, policy } = run('reasoning-cache', () => replies[r++], {
      iterations: 5,
      stopWhenFinished: 'true',
      summarize: () => 'S',
    });
    const a = await attempt;
    // The second turn stopped without an answer (cut off inside its thinking), so it is not the last.
    expect(policy.calls).toHaveLength(3);
    expect(a.finalProof).toBe('proof 3');
    const { attempt: always, policy: every } = run('reasoning-cache', () => 'proof', {
      iterations: 3,
      summarize: () => 'S',
    });
    expect((await always).finalProof).toBe('proof');
    expect(every.calls).toHaveLength(3);
    expect(() => parseScaffoldOptions(getScaffold('reasoning-cache'), { stopWhenFinished: 'yes' })).toThrow(
      /stopWhenFinished/,
    );
  });

  it('generate-verify-refine: revises on issues and stops when the verifier finds none', async () => {
    const verdicts = ['<issues>\n- case n=0 missing\n</issues>', '<issues>none</issues>'];
    let v = 0;
    let p = 0;
    const { attempt, policy, others } = run(
      'generate-verify-refine',
      () => `proof v${++p}`,
      { rounds: 5 },
      { verifier: () => verdicts[v++] },
    );
    const a = await attempt;
    expect(others.verifier.calls).toHaveLength(2);
    expect(policy.calls).toHaveLength(2);
    expect(others.verifier.calls[0].prompt).toContain('proof v1');
    expect(policy.calls[1].prompt).toContain('case n=0 missing');
    expect(policy.calls[1].prompt).toContain('proof v1');
    expect(a.turns.map((t) => t.role)).toEqual(['answer', 'verify', 'refine', 'verify']);
    expect(a.finalProof).toBe('proof v2');
  });

  it('generate-verify-refine: stops after R rounds', async () => {
    let p = 0;
    const { attempt } = run('generate-verify-refine', (c) =>
      c.prompt.includes('strict grader') ? '<issues>- still wrong</issues>' : `proof ${++p}`,
    );
    const a = await attempt;
    expect(a.turns.map((t) => t.role)).toEqual(['answer', 'verify', 'refine', 'verify', 'refine']);
    expect(a.finalProof).toBe('proof 3');
  });

  it('self-check: corrects from the bug report until a yes verdict', async () => {
    const script = [
      'proof A',
      'bug in step 1 <verdict>no</verdict>',
      'proof B',
      'fine <verdict>yes</verdict>',
    ];
    let i = 0;
    const { attempt, policy } = run('self-check', () => script[i++]);
    const a = await attempt;
    expect(policy.calls).toHaveLength(4);
    expect(policy.calls[2].prompt).toContain('bug in step 1');
    expect(a.turns.map((t) => t.role)).toEqual(['answer', 'verify', 'refine', 'verify']);
    expect(a.finalProof).toBe('proof B');
  });

  /** Scripted policy for rsa: proofs are numbered; a comparison prefers the higher-numbered proof. */
  const rsaScript =
    (n = { i: 0 }) =>
    (c: ProviderCall) => {
      if (c.prompt.includes('exactly two candidate proofs')) {
        const [x, y] = [...c.prompt.matchAll(/CANDIDATE \d\n\w+ (\d+)/g)].map((m) => Number(m[1]));
        return `Candidate ${x > y ? 1 : 2} is better. <best>${x > y ? 1 : 2}</best>`;
      }
      return c.prompt.includes('CANDIDATE') ? `agg ${++n.i}` : `init ${++n.i}`;
    };

  it('rsa: N initial proofs, T steps of k-subsets, then a pairwise tournament, seeded', async () => {
    const go = async () => {
      const { attempt, policy } = run('rsa', rsaScript(), { population: 3, steps: 2, subset: 2 });
      return { a: await attempt, calls: policy.calls };
    };
    const { a, calls } = await go();
    // 3 proofs + 2 × 3 aggregations + 2 matches (3 finalists: one match and a bye, then the final)
    expect(calls).toHaveLength(11);
    expect(a.turns.map((t) => t.role)).toEqual([
      ...Array(3).fill('answer'),
      ...Array(6).fill('aggregate'),
      'select',
      'select',
    ]);
    expect(a.usage.calls).toBe(11);
    const aggregates = calls.filter(
      (c) => c.prompt.includes('CANDIDATE') && !c.prompt.includes('exactly two'),
    );
    expect(aggregates).toHaveLength(6);
    for (const c of aggregates) {
      expect(c.prompt).toContain('CANDIDATE 2');
      expect(c.prompt).not.toContain('CANDIDATE 3');
    }
    // Step 2 aggregates outputs of step 1 only; the tournament sees only the last population.
    for (const c of aggregates.slice(3)) expect(c.prompt).not.toMatch(/init \d/);
    for (const c of calls.slice(9))
      expect(c.prompt).toMatch(/CANDIDATE 1\nagg [789]\n\nCANDIDATE 2\nagg [789]$/m);
    // The scripted selector prefers the higher number, so the last population's best (agg 9) wins.
    expect(a.finalProof).toBe('agg 9');
    const again = await go();
    expect(again.calls.map((c) => c.prompt)).toEqual(calls.map((c) => c.prompt));
    expect(() => parseScaffoldOptions(getScaffold('rsa'), { population: 2, subset: 3 })).toThrow(/subset/);
    expect(() => parseScaffoldOptions(getScaffold('rsa'), { select: 'vote' })).toThrow(/select/);
  });

  it('rsa: the selector model judges the matches; an unreadable verdict is a seeded, noted coin flip', async () => {
    const go = async () => {
      const { attempt, policy, others } = run(
        'rsa',
        rsaScript(),
        { population: 4, steps: 1, subset: 2 },
        { selector: () => 'both look fine' },
      );
      return { a: await attempt, policy: policy.calls, selector: others.selector.calls };
    };
    const { a, policy, selector } = await go();
    expect(policy).toHaveLength(8);
    expect(selector).toHaveLength(3); // 4 finalists: two semi-finals and a final
    const notes = a.turns.filter((t) => t.model === 'programmatic');
    expect(notes).toHaveLength(3);
    for (const t of notes) expect(t.content).toMatch(/coin flip chose proof [1-4]/);
    expect(a.finalProof).toMatch(/^agg [5-8]$/);
    const again = await go();
    expect(again.a.finalProof).toBe(a.finalProof);
    expect(again.a.turns.map((t) => t.content)).toEqual(a.turns.map((t) => t.content));
  });

  it('rsa: select=first returns the first member without comparisons', async () => {
    const { attempt, policy } = run('rsa', rsaScript(), {
      population: 3,
      steps: 1,
      subset: 2,
      select: 'first',
    });
    const a = await attempt;
    expect(policy.calls).toHaveLength(6);
    expect(a.finalProof).toBe('agg 4');
  });

  it('best-of-n: the selector picks a candidate; an unreadable choice falls back to the first', async () => {
    let n = 0;
    const { attempt, others } = run(
      'best-of-n',
      () => `cand ${++n}`,
      { n: 3 },
      {
        selector: () => 'the second is best <best>2</best>',
      },
    );
    const a = await attempt;
    expect(others.selector.calls).toHaveLength(1);
    expect(others.selector.calls[0].prompt).toContain('CANDIDATE 3');
    expect(a.finalProof).toBe('cand 2');
    const fallback = await run('best-of-n', (c) => (c.prompt.includes('CANDIDATE') ? '???' : 'only'), {
      n: 2,
    }).attempt;
    expect(fallback.finalProof).toBe('only');
    expect(fallback.turns.at(-1)?.role).toBe('select');
  });

  it('a failed call ends the attempt as data, keeping the turns made so far', async () => {
    let i = 0;
    const a = await run('generate-verify-refine', () => (i++ === 1 ? { error: 'HTTP 500' } : 'proof'))
      .attempt;
    expect(a.error).toMatch(/verify call failed: HTTP 500/);
    expect(a.finalProof).toBe('');
    expect(a.turns.map((t) => [t.role, t.finishReason])).toEqual([
      ['answer', 'stop'],
      ['verify', 'error'],
    ]);
    expect(a.usage.calls).toBe(2);
  });

  it('options: coerced from CLI strings, unknown names and bad values rejected', () => {
    const rc = getScaffold('reasoning-cache');
    expect(parseScaffoldOptions(rc, parseOptionPairs(['iterations=4', 'summaryTokens=100']))).toMatchObject({
      iterations: 4,
      summaryTokens: 100,
    });
    expect(() => parseScaffoldOptions(rc, { iterations: 0 })).toThrow(/iterations/);
    expect(() => parseScaffoldOptions(rc, { nope: 1 })).toThrow(/nope|unrecognized/i);
    expect(() => parseOptionPairs(['x'])).toThrow(/key=value/);
    expect(() => getScaffold('magic')).toThrow(/unknown scaffold/);
  });
});
