import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../tiny/checkpoint.ts';
import { createGPT } from '../tiny/gpt.ts';
import { trainBpe } from '../tiny/tokenizer-train.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-serve-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('qed serve', () => {
  it('serves a checkpoint on 127.0.0.1 until SIGTERM', async () => {
    const tokenizer = trainBpe('a b c d e f g '.repeat(5), { vocabSize: 262 });
    const ckpt = join(root, 'my-model');
    await saveCheckpoint(ckpt, {
      model: createGPT({ vocab: 262, ctx: 32, layers: 1, dModel: 16, heads: 2 }, 1),
      tokenizer,
    });
    const child = spawn(process.execPath, ['bin/qed.js', 'serve', ckpt, '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const first = await new Promise<string>((done) =>
      createInterface({ input: child.stdout }).once('line', done),
    );
    const { url, model } = JSON.parse(first) as { url: string; model: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(model).toBe('my-model');
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'a b' }], max_tokens: 3 }),
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens,
    ).toBeLessThanOrEqual(3);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
