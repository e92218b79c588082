import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { createGPT, type GPT, type GPTConfig } from './gpt.ts';
import { crossEntropy } from './ops-nn.ts';
import { AdamW } from './optim.ts';
import { noGrad } from './tensor.ts';
import { trainBpe } from './tokenizer-train.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const here = dirname(fileURLToPath(import.meta.url));

const tokenizer = trainBpe('the quick brown fox jumps over the lazy dog. '.repeat(10), { vocabSize: 280 });
const config: GPTConfig = { vocab: tokenizer.vocabSize, ctx: 16, layers: 2, dModel: 16, heads: 2 };
const tokens = Int32Array.from(tokenizer.encode('the quick brown fox jumps over').slice(0, 8));

const logitsOf = (m: GPT): Float32Array => noGrad(() => m.forward(tokens, 1, tokens.length).data);

/** One training step on a fixed batch; returns the loss. */
function trainStep(model: GPT, opt: AdamW): number {
  const input = tokens.subarray(0, tokens.length - 1);
  const target = tokens.subarray(1);
  opt.zeroGrad();
  const loss = crossEntropy(model.forward(input, 1, input.length), target);
  loss.backward();
  opt.step(1e-2);
  return loss.data[0];
}

describe('checkpoints', () => {
  it('load(save(model)) gives bit-identical logits and the same tokenizer', async () => {
    const dir = join(root, 'a');
    const model = createGPT(config, 1);
    await saveCheckpoint(dir, { model, tokenizer, meta: { note: 'x' } });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const ck = await loadCheckpoint(dir);
    expect(ck.config).toEqual(config);
    expect(ck.meta).toEqual({ note: 'x' });
    expect(ck.optimizerState).toBeUndefined();
    expect(Buffer.from(logitsOf(ck.model).buffer)).toEqual(Buffer.from(logitsOf(model).buffer));
    expect(ck.tokenizer.encode('lazy fox <|im_end|>')).toEqual(tokenizer.encode('lazy fox <|im_end|>'));
  });

  it('keeps rotary positions and the previous-token embedding across save and load', async () => {
    const dir = join(root, 'rope');
    const model = createGPT({ ...config, positions: 'rope', prevTokens: 2 }, 2);
    await saveCheckpoint(dir, { model, tokenizer });
    const ck = await loadCheckpoint(dir);
    expect(ck.config.positions).toBe('rope');
    expect(ck.config.prevTokens).toBe(2);
    expect(ck.model.wpe).toBeNull();
    expect(ck.model.wprev!.data).toEqual(model.wprev!.data);
    expect(Buffer.from(logitsOf(ck.model).buffer)).toEqual(Buffer.from(logitsOf(model).buffer));
  });

  it('saves optimizer and trainer state so training resumes with an identical loss curve', async () => {
    const dir = join(root, 'resume');
    const model = createGPT(config, 2);
    const opt = new AdamW(model.namedParameters(), { weightDecay: 0.1 });
    for (let i = 0; i < 3; i++) trainStep(model, opt);
    await saveCheckpoint(dir, { model, tokenizer, optimizer: opt, trainerState: { step: 3 } });
    const uninterrupted = [0, 1, 2].map(() => trainStep(model, opt));

    const ck = await loadCheckpoint(dir);
    expect(ck.trainerState).toEqual({ step: 3 });
    const opt2 = new AdamW(ck.model.namedParameters(), { weightDecay: 0.1 });
    opt2.loadState(ck.optimizerState!);
    expect(opt2.stepCount).toBe(3);
    const resumed = [0, 1, 2].map(() => trainStep(ck.model, opt2));
    expect(resumed).toEqual(uninterrupted);
  });

  it.each(['written', 'swapped'])(
    'a crash (SIGKILL) at stage %s leaves the previous checkpoint loadable',
    async (stage) => {
      const dir = join(root, `crash-${stage}`);
      const model = createGPT(config, 3);
      await saveCheckpoint(dir, { model, tokenizer });
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(here, 'checkpoint-crash.fixture.ts'), dir, stage],
        {
          encoding: 'utf8',
        },
      );
      expect(child.signal).toBe('SIGKILL');
      const ck = await loadCheckpoint(dir);
      expect(ck.config).toEqual(config);
      expect(Buffer.from(logitsOf(ck.model).buffer)).toEqual(Buffer.from(logitsOf(model).buffer));
      // The next save cleans up what the crash left behind.
      await saveCheckpoint(dir, { model, tokenizer });
      expect(readdirSync(root).filter((n) => n.startsWith(`crash-${stage}`))).toEqual([`crash-${stage}`]);
    },
  );

  it('explains corrupt or mismatched checkpoints', async () => {
    const dir = join(root, 'bad');
    await saveCheckpoint(dir, { model: createGPT(config, 4), tokenizer });
    const weights = readFileSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), weights.subarray(0, weights.length - 100));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model.safetensors: .*(truncated|gap)/);

    await saveCheckpoint(dir, { model: createGPT({ ...config, dModel: 32 }, 4), tokenizer });
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.model.dModel = 16;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    await expect(loadCheckpoint(dir)).rejects.toThrow(
      /tensor "wte.weight": shape \[\d+, 32\], expected \[\d+, 16\]/,
    );

    cfg.model.layers = 1;
    cfg.model.dModel = 32;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/unexpected tensor "h.1/);

    cfg.model.heads = 5;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/config.json: field "model": .*divisible/);

    writeFileSync(join(dir, 'config.json'), '{"format": "qed-nano-gpt"');
    await expect(loadCheckpoint(dir)).rejects.toThrow(/config.json: invalid JSON/);

    await expect(loadCheckpoint(join(root, 'nope'))).rejects.toThrow(/not a checkpoint/);
    expect(existsSync(join(root, 'nope'))).toBe(false);

    for (const file of ['tokenizer.json', 'model.safetensors']) {
      const partial = join(root, `no-${file}`);
      await saveCheckpoint(partial, { model: createGPT(config, 4), tokenizer });
      rmSync(join(partial, file));
      await expect(loadCheckpoint(partial)).rejects.toThrow(
        `${join(partial, file)}: missing from the checkpoint`,
      );
    }
  });

  it('refuses a tokenizer larger than the model vocab', async () => {
    const small = createGPT({ ...config, vocab: 100 }, 5);
    await expect(saveCheckpoint(join(root, 'v'), { model: small, tokenizer })).rejects.toThrow(
      /model vocab is 100/,
    );
  });
});
