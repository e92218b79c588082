import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.ts';
import { createGPT } from './gpt.ts';
import { exportHf } from './hf-export.ts';
import { decodeSafetensors } from './safetensors.ts';
import { noGrad } from './tensor.ts';
import { trainBpe } from './tokenizer-train.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-hf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tokenizer = trainBpe('a proof by induction on n. '.repeat(10), { vocabSize: 270 });
const model = createGPT({ vocab: 272, ctx: 32, layers: 2, dModel: 16, heads: 2 }, 1);

describe('HF GPT-2 export', () => {
  it('writes GPT2LMHeadModel config, HF tensor names and shapes, and the chat template', async () => {
    const out = join(root, 'hf');
    const files = await exportHf(out, { model, tokenizer });
    expect(files).toContain('tokenizer_config.json');
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      architectures: ['GPT2LMHeadModel'],
      vocab_size: 272,
      n_positions: 32,
      n_embd: 16,
    });
    expect(cfg.activation_function).toBe('gelu_new');
    expect(cfg.eos_token_id).toBe(tokenizer.specialId('<|im_end|>'));
    const { tensors, metadata } = decodeSafetensors(readFileSync(join(out, 'model.safetensors')));
    expect(metadata.format).toBe('pt');
    expect(tensors.get('transformer.h.1.attn.c_attn.weight')?.shape).toEqual([16, 48]);
    expect(tensors.get('transformer.h.0.mlp.c_proj.weight')?.shape).toEqual([64, 16]);
    expect(tensors.has('lm_head.weight')).toBe(false);
    expect(tensors.size).toBe(model.namedParameters().length);
    const tc = JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'));
    expect(tc.chat_template).toContain('<|im_start|>');
    expect(tc.eos_token).toBe('<|im_end|>');
  });

  it('refuses rotary positions or a previous-token embedding, which GPT-2 cannot hold, and writes nothing', async () => {
    const out = join(root, 'rope');
    const rope = createGPT({ ...model.config, positions: 'rope' }, 1);
    await expect(exportHf(out, { model: rope, tokenizer })).rejects.toThrow(/needs learned positions/);
    expect(existsSync(out) || existsSync(`${out}.tmp-export`)).toBe(false);
    const prev = createGPT({ ...model.config, prevTokens: 1 }, 1);
    await expect(exportHf(out, { model: prev, tokenizer })).rejects.toThrow(/previous-token embeddings/);
    expect(existsSync(out) || existsSync(`${out}.tmp-export`)).toBe(false);
  });

  it('refuses to overwrite a non-empty directory unless forced', async () => {
    const out = join(root, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'x');
    await expect(exportHf(out, { model, tokenizer })).rejects.toThrow(/not empty.*--force/);
    await exportHf(out, { model, tokenizer, force: true });
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toContain('gpt2');
  });

  it('loads its own export back as a checkpoint with identical logits', async () => {
    const out = join(root, 'back');
    await exportHf(out, { model, tokenizer });
    const ck = await loadCheckpoint(out);
    expect(ck.config).toMatchObject(model.config);
    const ids = Int32Array.from(tokenizer.encode('a proof by induction'));
    const logits = (m: typeof model) => noGrad(() => m.forward(ids, 1, ids.length).data);
    expect(Buffer.from(logits(ck.model).buffer)).toEqual(Buffer.from(logits(model).buffer));
    expect(ck.tokenizer.encode('induction <|im_end|>')).toEqual(tokenizer.encode('induction <|im_end|>'));

    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    writeFileSync(join(out, 'config.json'), JSON.stringify({ ...cfg, activation_function: 'relu' }));
    await expect(loadCheckpoint(out)).rejects.toThrow(/activation_function.*not supported/);
  });
});
