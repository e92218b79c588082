// Reward server: toy grader end to end, batching order, failures as failures (or the caller's default),
// timeouts, bearer token, health/metrics, and a seeded fuzz of malformed bodies that must all be 4xx.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from '../core/rng.ts';
import type { Grade } from '../core/grade.ts';
import { emptyUsage } from '../core/usage.ts';
import type { Grader } from '../grading/types.ts';
import { createToyGrader, generateProblem } from '../toy/index.ts';
import { startRewardServer } from './reward-server.ts';
import type { RewardServer } from './reward-server.ts';

const problems = [0, 1, 2].map((i) => generateProblem(deriveSeed(7, i), 'short', `toy-${i}`));
let server: RewardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A grader that fails on proofs containing FAIL, hangs on HANG and otherwise scores 5. */
function scriptedGrader(): Grader {
  return {
    info: { kind: 'scripted' },
    grade: async ({ problem, attempt }, options) => {
      const base = {
        attemptId: 'a',
        problemId: problem.id,
        sampleIndex: 0,
        grader: { kind: 'scripted' },
        usage: emptyUsage(),
        assessment: '',
        errors: [],
      };
      if (attempt.finalProof.includes('THROW')) throw new Error('judge exploded');
      if (attempt.finalProof.includes('FAIL'))
        return { ...base, score: null, graderError: 'judge reply had no <score>' } satisfies Grade;
      if (attempt.finalProof.includes('HANG')) {
        await new Promise((resolve) => options?.signal?.addEventListener('abort', resolve));
      }
      return { ...base, score: 5 } satisfies Grade;
    },
  };
}

describe('reward server', () => {
  it('grades toy proofs by id and inline: the reference proof earns 7, nonsense fails or scores low', async () => {
    server = await startRewardServer({ grader: createToyGrader(), problems });
    const good = await post('/score', { problem: 'toy-0', proof: problems[0].referenceSolution });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({
      problemId: 'toy-0',
      score: 7,
      reward: 1,
      graderError: null,
      defaulted: false,
    });
    const inline = await post('/score', {
      problem: { statement: problems[1].statement },
      proof: problems[1].referenceSolution,
    });
    expect(inline.body).toMatchObject({ problemId: 'inline', reward: 1 });
    const unknown = await post('/score', { problem: 'nope', proof: 'x' });
    expect(unknown.status).toBe(404);
    expect(String((unknown.body.error as { message: string }).message)).toContain(
      'unknown problem id "nope"',
    );
  });

  it('answers a batch in request order with per-item ids', async () => {
    server = await startRewardServer({ grader: createToyGrader(), problems, concurrency: 2 });
    const items = problems.flatMap((p, i) => [
      { id: `${i}-good`, problem: p.id, proof: p.referenceSolution },
      { id: `${i}-bad`, problem: p.id, proof: 'Clearly true.' },
    ]);
    const { status, body } = await post('/score/batch', { items });
    expect(status).toBe(200);
    const results = body.results as Array<{ id: string; reward: number | null }>;
    expect(results.map((r) => r.id)).toEqual(items.map((i) => i.id));
    for (const r of results) {
      if (r.id.endsWith('good')) expect(r.reward).toBe(1);
      else expect(r.reward === null || r.reward < 1).toBe(true);
    }
  });

  it('reports grader failures, exceptions and timeouts as failures, and uses default_reward only when asked', async () => {
    server = await startRewardServer({ grader: scriptedGrader(), timeoutMs: 200 });
    const problem = { id: 'p', statement: 'S' };
    const fail = await post('/score', { problem, proof: 'FAIL' });
    expect(fail.body).toMatchObject({
      reward: null,
      score: null,
      graderError: 'judge reply had no <score>',
      defaulted: false,
    });
    const thrown = await post('/score', { problem, proof: 'THROW' });
    expect(thrown.body).toMatchObject({ reward: null, graderError: 'grader failed: judge exploded' });
    const slow = await post('/score', { problem, proof: 'HANG' });
    expect(slow.body).toMatchObject({
      reward: null,
      graderError: 'grader failed: grading timed out after 200 ms',
    });
    const withDefault = await post('/score/batch', {
      default_reward: 0,
      items: [
        { problem, proof: 'FAIL' },
        { problem, proof: 'fine' },
        { problem, proof: 'FAIL', default_reward: -1 },
      ],
    });
    const r = withDefault.body.results as Array<Record<string, unknown>>;
    expect(r[0]).toMatchObject({ reward: 0, defaulted: true, graderError: 'judge reply had no <score>' });
    expect(r[1]).toMatchObject({ reward: 5 / 7, defaulted: false, graderError: null });
    expect(r[2]).toMatchObject({ reward: -1, defaulted: true });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/qed_reward_grader_failures_total 5/);
    expect(metrics).toMatch(/qed_reward_defaulted_total 2/);
  });

  it('requires the bearer token everywhere but /health', async () => {
    server = await startRewardServer({ grader: scriptedGrader(), token: 's3cret' });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const item = { problem: { statement: 'S' }, proof: 'x' };
    expect((await post('/score', item)).status).toBe(401);
    expect((await post('/score', item, { authorization: 'Bearer wrong!' })).status).toBe(401);
    expect((await post('/score', item, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });

  it('names the nested field of a bad inline problem instead of the union\'s "Invalid input"', async () => {
    server = await startRewardServer({ grader: scriptedGrader(), problems });
    const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;
    const missing = await post('/score', { problem: { id: 'z' }, proof: 'x' });
    expect(missing.status).toBe(400);
    expect(message(missing)).toBe('problem.statement: missing (required)');
    const wrong = await post('/score', { problem: { id: 'z', statement: 5 }, proof: 'x' });
    expect(message(wrong)).toBe('problem.statement: Invalid input: expected string, received number');
    const neither = await post('/score', { problem: 5, proof: 'x' });
    expect(message(neither)).toBe('problem: Invalid input: expected string or object, received number');
    const batch = await post('/score/batch', {
      items: [
        { problem: 'toy-0', proof: 'x' },
        { problem: {}, proof: 'x' },
      ],
    });
    expect(batch.status).toBe(400);
    expect(message(batch)).toBe('items.1.problem.statement: missing (required)');
    expect(message(await post('/score', { problem: 'toy-0' }))).toBe('proof: missing (required)');
  });

  it('answers malformed bodies with a clear 4xx and keeps serving (seeded fuzz)', async () => {
    server = await startRewardServer({ grader: scriptedGrader(), maxBodyBytes: 4096 });
    const rng = new Rng(deriveSeed(11, 'fuzz'));
    const atoms = [
      null,
      true,
      0,
      -1,
      1e308,
      'x',
      '',
      [],
      {},
      { problem: 1 },
      { proof: 'p' },
      { problem: {}, proof: 'p' },
    ];
    const randomJson = (depth: number): unknown => {
      const u = rng.next();
      if (depth > 2 || u < 0.4) return rng.pick(atoms);
      if (u < 0.7) return Array.from({ length: rng.int(0, 3) }, () => randomJson(depth + 1));
      const keys = ['problem', 'proof', 'items', 'default_reward', 'id', 'statement', 'zz'];
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 4) }, () => [rng.pick(keys), randomJson(depth + 1)]),
      );
    };
    const bodies: string[] = [
      '',
      '{',
      'null',
      '[1,2',
      '{"problem":"p","proof":',
      'x'.repeat(5000),
      '{"items":[{"problem":{"statement":""},"proof":"a"}]}',
    ];
    for (let i = 0; i < 80; i++) bodies.push(JSON.stringify(randomJson(0)));
    for (const body of bodies) {
      for (const path of ['/score', '/score/batch']) {
        const res = await post(path, body);
        if (res.status === 200) continue; // a random body can be valid by chance
        expect(res.status, `${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${body}`).toBeLessThan(500);
        expect(typeof (res.body.error as { message?: unknown }).message).toBe('string');
      }
    }
    // A client that announces a body and hangs up halfway, and raw garbage instead of HTTP.
    for (const raw of [
      'POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"problem":',
      'NOT HTTP AT ALL\r\n\r\n',
    ]) {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(raw);
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
    }
    expect((await fetch(`${server.url}/score`)).status).toBe(405);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    expect((await post('/score', { problem: { statement: 'S' }, proof: 'ok' })).body.reward).toBe(5 / 7);
  });
});
