import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.ts';
import { createGPT } from './gpt.ts';
import { exportHf } from './hf-export.ts';
import { neoxQkvOrder } from './hf-neox.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { noGrad } from './tensor.ts';
import { trainBpe } from './tokenizer-train.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-hf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tokenizer = trainBpe('a proof by induction on n. '.repeat(10), { vocabSize: 270 });
const model = createGPT({ vocab: 272, ctx: 32, layers: 2, dModel: 16, heads: 2 }, 1);

describe('HF export', () => {
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

  it('writes a rotary-position model as GPTNeoXForCausalLM, with the fused QKV regrouped per head', async () => {
    const out = join(root, 'rope');
    const rope = createGPT({ ...model.config, positions: 'rope' }, 1);
    await exportHf(out, { model: rope, tokenizer });
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      architectures: ['GPTNeoXForCausalLM'],
      model_type: 'gpt_neox',
      hidden_size: 16,
      num_attention_heads: 2,
      max_position_embeddings: 32,
      rotary_pct: 1,
      use_parallel_residual: false,
      hidden_act: 'gelu_new',
    });
    const { tensors } = decodeSafetensors(readFileSync(join(out, 'model.safetensors')));
    const ours = new Map(rope.namedParameters().map((p) => [p.name, p.tensor.data]));
    const qkv = tensors.get('gpt_neox.layers.1.attention.query_key_value.weight')!;
    expect(qkv.shape).toEqual([48, 16]);
    // Head 1's key (part 1), dimension 3: our output column 16 + 8 + 3, their row 1·24 + 8 + 3.
    const w = ours.get('h.1.attn.c_attn.weight')!;
    for (let i = 0; i < 16; i++) expect(qkv.data[(24 + 8 + 3) * 16 + i]).toBe(w[i * 48 + 16 + 8 + 3]);
    // Linear weights are [out, in]: the MLP's first weight is our Conv1D [16, 64] transposed.
    const fc = tensors.get('gpt_neox.layers.0.mlp.dense_h_to_4h.weight')!;
    expect(fc.shape).toEqual([64, 16]);
    expect(fc.data[5 * 16 + 2]).toBe(ours.get('h.0.mlp.c_fc.weight')![2 * 64 + 5]);
    expect(tensors.get('embed_out.weight')!.data).toEqual(ours.get('wte.weight'));
    expect(tensors.size).toBe(4 + 12 * 2);
  });

  it('loads its GPT-NeoX export back with identical logits, and refuses NeoX variants it does not compute', async () => {
    const out = join(root, 'rope-back');
    const rope = createGPT({ ...model.config, positions: 'rope' }, 4);
    await exportHf(out, { model: rope, tokenizer });
    const ck = await loadCheckpoint(out);
    expect(ck.config).toMatchObject(rope.config);
    const ids = Int32Array.from(tokenizer.encode('a proof by induction on n. a proof'));
    const logits = (m: typeof model) => noGrad(() => m.forward(ids, 1, ids.length).data);
    expect(Buffer.from(logits(ck.model).buffer)).toEqual(Buffer.from(logits(rope).buffer));

    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    for (const [field, value, message] of [
      ['use_parallel_residual', true, /use_parallel_residual.*sequential/],
      ['rotary_pct', 0.25, /rotary_pct.*0.25 is not supported/],
      ['hidden_act', 'gelu', /hidden_act.*"gelu" is not supported/],
    ] as const) {
      const { partial_rotary_factor: _, ...rest } = cfg;
      writeFileSync(join(out, 'config.json'), JSON.stringify({ ...rest, [field]: value }));
      await expect(loadCheckpoint(out)).rejects.toThrow(message);
    }
    writeFileSync(join(out, 'config.json'), JSON.stringify(cfg));
    const st = decodeSafetensors(readFileSync(join(out, 'model.safetensors')));
    const tensors = Object.fromEntries(
      [...st.tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]),
    );
    tensors['embed_out.weight'] = {
      ...tensors['embed_out.weight'],
      data: tensors['embed_out.weight'].data.map((v) => v + 1),
    };
    writeFileSync(join(out, 'model.safetensors'), encodeSafetensors(tensors));
    await expect(loadCheckpoint(out)).rejects.toThrow(/embed_out.weight differs.*untied/);
  });

  it('maps every fused QKV output to its own row', () => {
    const order = neoxQkvOrder(12, 3);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 36 }, (_, i) => i));
    expect([order[0], order[4], order[12], order[24 + 11]]).toEqual([0, 12, 4, 2 * 12 + 8 + 3]);
  });

  it('refuses previous-token embeddings with learned positions, and writes nothing', async () => {
    const out = join(root, 'prev');
    const prev = createGPT({ ...model.config, prevTokens: 1 }, 1);
    await expect(exportHf(out, { model: prev, tokenizer })).rejects.toThrow(/needs rotary positions/);
    expect(existsSync(out) || existsSync(`${out}.tmp-export`)).toBe(false);
  });

  it('exports previous-token embeddings as qed_tiny with its modeling code, and loads it back alike', async () => {
    const out = join(root, 'qed-tiny');
    const prev = createGPT({ ...model.config, positions: 'rope', prevTokens: 3 }, 2);
    const files = await exportHf(out, { model: prev, tokenizer });
    expect(files).toContain('modeling_qed_tiny.py');
    expect(readFileSync(join(out, 'modeling_qed_tiny.py'), 'utf8')).toContain('class QedTinyForCausalLM');
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      model_type: 'qed_tiny',
      architectures: ['QedTinyForCausalLM'],
      prev_tokens: 3,
      auto_map: { AutoModelForCausalLM: 'modeling_qed_tiny.QedTinyForCausalLM' },
    });
    const st = decodeSafetensors(readFileSync(join(out, 'model.safetensors')));
    expect(st.tensors.get('prev_embed.weight')!.shape).toEqual([3 * 273, 16]);
    const ck = await loadCheckpoint(out);
    expect(ck.config.prevTokens).toBe(3);
    const ids = Int32Array.from(tokenizer.encode('a proof by induction on n.'));
    const logits = (m: typeof prev) => noGrad(() => m.forward(ids, 1, ids.length).data);
    expect(Buffer.from(logits(ck.model).buffer)).toEqual(Buffer.from(logits(prev).buffer));
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
