// qed distill: teacher → judge → filters → records, against the mock OpenAI-compatible server; cost
// estimate; generation failures retried on resume; and a SIGKILLed CLI run resumed without loss or
// duplicates; a resume with a setting that defines the run changed is refused, naming it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runQed } from '../cli/qed-process.fixture.ts';
import { readRecords } from '../core/record-log.ts';
import { deriveSeed } from '../core/rng.ts';
import { loadPromptTemplate } from '../generate/prompt.ts';
import { createProvider } from '../providers/index.ts';
import { startMockServer } from '../server/mock-openai-server.ts';
import type { MockRequest, MockServer } from '../server/mock-openai-server.ts';
import { createToyGrader, generateProblem } from '../toy/index.ts';
import { estimateDistillCost } from './distill-cost.ts';
import type { DistillRecord } from './distill-record.ts';
import { DISTILL_FILE, runDistill, SFT_FILE } from './distill.ts';

const problems = [0, 1, 2, 3].map((i) => generateProblem(deriveSeed(5, i), 'short', `toy-${i}`));
const template = loadPromptTemplate();

/** Teacher: the reference proof, except a sloppy one for seeds ≡ 0 mod 3; "reasoning" on the side. */
function teacher(req: MockRequest): { content: string; reasoning: string } {
  const p = problems.find((q) => req.prompt.includes(q.statement));
  const seed = Number(req.body.seed ?? 0);
  return {
    content: seed % 3 === 0 ? 'It is clear.' : (p?.referenceSolution ?? 'unknown'),
    reasoning: 'Let me check each step.',
  };
}

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function httpProvider(url: string) {
  return createProvider({
    model: 'mock-prover',
    cache: false,
    maxRetries: 0,
    env: { OPENAI_BASE_URL: url, OPENAI_API_KEY: 'test' },
  });
}

describe('distill', () => {
  it('writes graded SFT records and keeps only those passing the filters', async () => {
    server = await startMockServer({ respond: teacher });
    const dir = mkdtempSync(join(tmpdir(), 'qed-distill-'));
    const provider = await httpProvider(server.url);
    const summary = await runDistill({
      problems,
      provider,
      teacherModel: 'mock-prover',
      grader: createToyGrader(),
      dir,
      samples: 3,
      template,
      filters: { minScore: 7 },
    });
    await provider.close?.();
    const records = readRecords<DistillRecord>(join(dir, DISTILL_FILE));
    expect(records).toHaveLength(12);
    expect(summary).toMatchObject({ total: 12, done: 12, generationFailures: 0, graderFailures: 0 });
    for (const r of records) {
      expect(r.messages[0]).toEqual({
        role: 'user',
        content: expect.stringContaining(problems.find((p) => p.id === r.problemId)!.statement),
      });
      expect(r.messages[1].content).toMatch(/^<think>\nLet me check each step.\n<\/think>\n\n/);
      expect(r.kept).toBe(r.grade?.score === 7);
      if (!r.kept) expect(r.dropReason).toMatch(/^score \d < 7$/);
      expect(r.usage.completionTokens).toBeGreaterThan(0);
    }
    expect(summary.kept).toBeGreaterThan(0);
    expect(summary.kept).toBeLessThan(12);
    expect(readRecords(join(dir, SFT_FILE))).toHaveLength(summary.kept);
  });

  it('drops truncated samples when asked and retries failed generations on resume', async () => {
    let failing = true;
    server = await startMockServer({
      respond: teacher,
      faultFor: () => (failing ? 'server_error' : undefined),
    });
    const dir = mkdtempSync(join(tmpdir(), 'qed-distill-'));
    const provider = await httpProvider(server.url);
    const opts = {
      problems: problems.slice(0, 2),
      provider,
      teacherModel: 'mock-prover',
      dir,
      samples: 2,
      template,
      maxTokens: 3,
      filters: { dropTruncated: true },
    };
    const first = await runDistill(opts);
    expect(first).toMatchObject({ done: 0, generationFailures: 4 });
    expect(readFileSync(join(dir, 'failures.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    failing = false;
    const second = await runDistill(opts);
    await provider.close?.();
    expect(second).toMatchObject({ done: 4, generationFailures: 0, kept: 0, dropped: { truncated: 4 } });
  });

  it('estimates cost from prompt sizes and the price table, naming unpriced models', () => {
    const e = estimateDistillCost({
      problems,
      samples: 4,
      renderPrompt: () => 'x'.repeat(400),
      teacherModel: 'gpt-5-mini',
      judgeModel: 'my-judge',
      prices: { 'gpt-5-mini': { input: 0.25, output: 2 } },
      expectedCompletionTokens: 1000,
    });
    expect(e.generations).toBe(16);
    expect(e.promptTokens).toBe(1600);
    expect(e.teacherCost).toBeCloseTo((1600 * 0.25 + 16000 * 2) / 1e6);
    expect(e.judgeCalls).toBe(16);
    expect(e.unpriced).toEqual(['my-judge']);
  });

  it('resumes a SIGKILLed run without losing or duplicating samples', async () => {
    server = await startMockServer({ respond: teacher, latencyMs: 40 });
    const dir = mkdtempSync(join(tmpdir(), 'qed-distill-kill-'));
    const dataset = join(dir, 'problems.jsonl');
    writeFileSync(dataset, problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const out = join(dir, 'run');
    const env = { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test' };
    const args = [
      'bin/qed.js',
      'distill',
      dataset,
      '--teacher',
      'mock-prover',
      '--samples',
      '10',
      '--grader',
      'toy',
      '--concurrency',
      '2',
      '--no-cache',
      '--out',
      out,
      '--quiet',
    ];
    const log = join(out, DISTILL_FILE);
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 600 && lines() < 6; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited;
    const before = lines();
    expect(before).toBeGreaterThanOrEqual(6);
    expect(before).toBeLessThan(40);
    const resumed = spawn(process.execPath, [...args, '--resume', '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    resumed.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise((resolve) => resumed.on('exit', resolve));
    expect(code).toBe(0);
    const records = readRecords<DistillRecord>(log);
    const keys = records.map((r) => r.id);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(40);
    const summary = JSON.parse(stdout) as { resumedFrom: number; done: number };
    expect(summary.done).toBe(40);
    expect(summary.resumedFrom).toBeGreaterThanOrEqual(before - 1);
  }, 60_000);
  it('refuses a resume that changes a setting defining the run, keeping the stored config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-distill-resume-'));
    const dataset = join(dir, 'problems.jsonl');
    writeFileSync(dataset, problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const out = join(dir, 'run');
    const base = ['--teacher', 'mock', '--grader', 'toy', '--samples', '2', '--limit', '2', '--out', out];
    const first = await runQed(['distill', dataset, ...base, '--min-score', '0', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const configPath = join(out, 'distill-config.json');
    const stored = readFileSync(configPath, 'utf8');
    const log = readFileSync(join(out, DISTILL_FILE), 'utf8');
    const at = (flag: string, v: string) => base.map((x, i) => (base[i - 1] === flag ? v : x));
    for (const [args, msg] of [
      [[dataset, ...base, '--min-score', '7'], /filters\.minScore was 0, now 7/],
      [[dataset, ...at('--samples', '3'), '--min-score', '0'], /samples was 2, now 3/],
      [[dataset, ...at('--limit', '3'), '--min-score', '0'], /limit was 2, now 3/],
      [[other, ...base, '--min-score', '0'], /dataset was ".*problems\.jsonl", now ".*other\.jsonl"/],
      [[dataset, ...base, '--min-score', '0', '--temperature', '0.5'], /temperature was null, now 0\.5/],
    ] as const) {
      const r = await runQed(['distill', ...args, '--resume', '--quiet']);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`cannot resume ${out}: ${msg.source}`));
      expect(readFileSync(configPath, 'utf8')).toBe(stored);
      expect(readFileSync(join(out, DISTILL_FILE), 'utf8')).toBe(log);
    }
    // concurrency and output flags do not define the run
    const same = await runQed([
      'distill',
      dataset,
      ...base,
      '--min-score',
      '0',
      '--concurrency',
      '3',
      '--resume',
      '--json',
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ done: 4, resumedFrom: 4 });
    expect(readFileSync(configPath, 'utf8')).toBe(stored);
  }, 90_000);
});
