// The Hugging Face GPT-NeoX layout for a model with rotary positions. GPT-NeoX computes what our rope
// model computes: LayerNorm before attention and MLP in sequence (use_parallel_residual false), rotary
// queries and keys over the whole head in the rotate-half pairing (i, i + hd/2) with base 10000, GELU
// tanh, biases everywhere. What differs is storage: Linear weights are [out, in] where ours are Conv1D
// [in, out]; the fused QKV projection is grouped per head (q, k, v of head 0, then head 1 …) where ours
// is [all q | all k | all v]; and the output embedding is its own tensor, written as a copy of the
// tied input embedding. Both directions: export (hfNeoxConfig, neoxTensors) and load (loadHfNeox), which
// reads our export back and GPT-NeoX models saved by `save_pretrained` that compute the same way.
import { join } from 'node:path';
import { hfConfigChecks, readHfDir, requireTied } from './checkpoint-hf.ts';
import { GPT, type GPTConfig } from './gpt.ts';
import type { Tokenizer } from './tokenizer.ts';

type Tensors = Record<string, { shape: number[]; data: Float32Array }>;

/** GPTNeoXConfig for our model config (rotary positions, no previous-token embeddings). */
export function hfNeoxConfig(
  model: GPT,
  ids: { bos: number | null; eos: number | null },
): Record<string, unknown> {
  const c = model.config;
  return {
    architectures: ['GPTNeoXForCausalLM'],
    model_type: 'gpt_neox',
    vocab_size: c.vocab,
    hidden_size: c.dModel,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    intermediate_size: 4 * c.dModel,
    hidden_act: 'gelu_new',
    rotary_pct: 1.0,
    partial_rotary_factor: 1.0,
    rotary_emb_base: 10000,
    rope_scaling: null,
    max_position_embeddings: c.ctx,
    use_parallel_residual: false,
    attention_bias: true,
    attention_dropout: 0,
    hidden_dropout: c.dropout ?? 0,
    layer_norm_eps: c.layerNormEps ?? 1e-5,
    initializer_range: 0.02,
    tie_word_embeddings: false,
    use_cache: true,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    torch_dtype: 'float32',
  };
}

/** [rows, cols] → [cols, rows]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = data[r * cols + k];
  return out;
}

/**
 * Column (output) j of our fused QKV, j = part·C + head·hd + d, goes to NeoX row head·3hd + part·hd + d.
 * Returns the NeoX index of each of our 3C outputs.
 */
export function neoxQkvOrder(C: number, heads: number): Int32Array {
  const hd = C / heads;
  const to = new Int32Array(3 * C);
  for (let part = 0; part < 3; part++)
    for (let h = 0; h < heads; h++)
      for (let d = 0; d < hd; d++) to[part * C + h * hd + d] = h * 3 * hd + part * hd + d;
  return to;
}

/** Our parameters under GPT-NeoX names, in its shapes and orders. */
export function neoxTensors(model: GPT): Tensors {
  const { dModel: C, heads, layers, vocab: V } = model.config;
  const p = new Map(model.namedParameters().map((x) => [x.name, x.tensor.data]));
  const get = (name: string): Float32Array => {
    const t = p.get(name);
    if (!t) throw new Error(`GPT-NeoX export: the model has no parameter ${name}`);
    return t;
  };
  const order = neoxQkvOrder(C, heads);
  const out: Tensors = {
    'gpt_neox.embed_in.weight': { shape: [V, C], data: get('wte.weight') },
    'embed_out.weight': { shape: [V, C], data: get('wte.weight') },
    'gpt_neox.final_layer_norm.weight': { shape: [C], data: get('ln_f.weight') },
    'gpt_neox.final_layer_norm.bias': { shape: [C], data: get('ln_f.bias') },
  };
  for (let l = 0; l < layers; l++) {
    const ours = `h.${l}.`;
    const theirs = `gpt_neox.layers.${l}.`;
    const w = get(`${ours}attn.c_attn.weight`); // [C, 3C]
    const b = get(`${ours}attn.c_attn.bias`);
    const qkvW = new Float32Array(3 * C * C);
    const qkvB = new Float32Array(3 * C);
    for (let j = 0; j < 3 * C; j++) {
      const row = order[j];
      qkvB[row] = b[j];
      for (let i = 0; i < C; i++) qkvW[row * C + i] = w[i * 3 * C + j];
    }
    Object.assign(out, {
      [`${theirs}input_layernorm.weight`]: { shape: [C], data: get(`${ours}ln_1.weight`) },
      [`${theirs}input_layernorm.bias`]: { shape: [C], data: get(`${ours}ln_1.bias`) },
      [`${theirs}post_attention_layernorm.weight`]: { shape: [C], data: get(`${ours}ln_2.weight`) },
      [`${theirs}post_attention_layernorm.bias`]: { shape: [C], data: get(`${ours}ln_2.bias`) },
      [`${theirs}attention.query_key_value.weight`]: { shape: [3 * C, C], data: qkvW },
      [`${theirs}attention.query_key_value.bias`]: { shape: [3 * C], data: qkvB },
      [`${theirs}attention.dense.weight`]: {
        shape: [C, C],
        data: transpose(get(`${ours}attn.c_proj.weight`), C, C),
      },
      [`${theirs}attention.dense.bias`]: { shape: [C], data: get(`${ours}attn.c_proj.bias`) },
      [`${theirs}mlp.dense_h_to_4h.weight`]: {
        shape: [4 * C, C],
        data: transpose(get(`${ours}mlp.c_fc.weight`), C, 4 * C),
      },
      [`${theirs}mlp.dense_h_to_4h.bias`]: { shape: [4 * C], data: get(`${ours}mlp.c_fc.bias`) },
      [`${theirs}mlp.dense_4h_to_h.weight`]: {
        shape: [C, 4 * C],
        data: transpose(get(`${ours}mlp.c_proj.weight`), 4 * C, C),
      },
      [`${theirs}mlp.dense_4h_to_h.bias`]: { shape: [C], data: get(`${ours}mlp.c_proj.bias`) },
    });
  }
  return out;
}

/** Our GPT config for an HF GPTNeoXConfig, refusing variants our model does not compute the same way. */
export function fromHfNeoxConfig(hf: Record<string, unknown>, source: string): GPTConfig {
  const { need, geluTanh, validated } = hfConfigChecks(source);
  geluTanh('hidden_act', hf.hidden_act ?? 'gelu');
  // transformers' defaults for absent fields: parallel residual on, rotary on a quarter of each head.
  need(
    'use_parallel_residual',
    hf.use_parallel_residual === false,
    'only sequential blocks (false) are supported',
  );
  const rotary = hf.partial_rotary_factor ?? hf.rotary_pct ?? 0.25;
  need(
    'rotary_pct',
    rotary === 1,
    `${String(rotary)} is not supported (rotary over the whole head, 1.0, only)`,
  );
  const base = hf.rotary_emb_base ?? hf.rope_theta ?? 10000;
  need('rotary_emb_base', base === 10000, `${String(base)} is not supported (10000 only)`);
  need('rope_scaling', hf.rope_scaling == null, 'rotary scaling is not supported');
  need('attention_bias', hf.attention_bias !== false, 'attention without biases is not supported');
  need(
    'intermediate_size',
    hf.intermediate_size === 4 * (hf.hidden_size as number),
    'only intermediate_size = 4·hidden_size is supported',
  );
  return validated({
    vocab: hf.vocab_size as number,
    ctx: hf.max_position_embeddings as number,
    layers: hf.num_hidden_layers as number,
    dModel: hf.hidden_size as number,
    heads: hf.num_attention_heads as number,
    layerNormEps: (hf.layer_norm_eps as number | undefined) ?? 1e-5,
    positions: 'rope',
  });
}

/** Load model + tokenizer from an HF GPT-NeoX directory (F32 weights): the inverse of neoxTensors. */
export async function loadHfNeox(
  dir: string,
  hfConfig: Record<string, unknown>,
): Promise<{ config: GPTConfig; model: GPT; tokenizer: Tokenizer }> {
  const config = fromHfNeoxConfig(hfConfig, join(dir, 'config.json'));
  const { dModel: C, heads, layers, vocab: V } = config;
  const { tokenizer, path, tensors, take } = await readHfDir(dir);
  const wte = take(['gpt_neox.embed_in.weight'], [V, C]);
  requireTied(
    wte,
    tensors.get('embed_out.weight'),
    `${path}: embed_out.weight differs from gpt_neox.embed_in.weight`,
  );
  const weights = new Map<string, Float32Array>([
    ['wte.weight', wte],
    ['ln_f.weight', take(['gpt_neox.final_layer_norm.weight'], [C])],
    ['ln_f.bias', take(['gpt_neox.final_layer_norm.bias'], [C])],
  ]);
  const order = neoxQkvOrder(C, heads);
  for (let l = 0; l < layers; l++) {
    const ours = `h.${l}.`;
    const theirs = `gpt_neox.layers.${l}.`;
    const qkvW = take([`${theirs}attention.query_key_value.weight`], [3 * C, C]);
    const qkvB = take([`${theirs}attention.query_key_value.bias`], [3 * C]);
    const w = new Float32Array(3 * C * C);
    const b = new Float32Array(3 * C);
    for (let j = 0; j < 3 * C; j++) {
      b[j] = qkvB[order[j]];
      for (let i = 0; i < C; i++) w[i * 3 * C + j] = qkvW[order[j] * C + i];
    }
    const lin = (name: string, out: number, inp: number) =>
      transpose(take([`${theirs}${name}`], [out, inp]), out, inp);
    const vec = (name: string, n: number) => take([`${theirs}${name}`], [n]);
    weights.set(`${ours}ln_1.weight`, vec('input_layernorm.weight', C));
    weights.set(`${ours}ln_1.bias`, vec('input_layernorm.bias', C));
    weights.set(`${ours}ln_2.weight`, vec('post_attention_layernorm.weight', C));
    weights.set(`${ours}ln_2.bias`, vec('post_attention_layernorm.bias', C));
    weights.set(`${ours}attn.c_attn.weight`, w);
    weights.set(`${ours}attn.c_attn.bias`, b);
    weights.set(`${ours}attn.c_proj.weight`, lin('attention.dense.weight', C, C));
    weights.set(`${ours}attn.c_proj.bias`, vec('attention.dense.bias', C));
    weights.set(`${ours}mlp.c_fc.weight`, lin('mlp.dense_h_to_4h.weight', 4 * C, C));
    weights.set(`${ours}mlp.c_fc.bias`, vec('mlp.dense_h_to_4h.bias', 4 * C));
    weights.set(`${ours}mlp.c_proj.weight`, lin('mlp.dense_4h_to_h.weight', C, 4 * C));
    weights.set(`${ours}mlp.c_proj.bias`, vec('mlp.dense_4h_to_h.bias', C));
  }
  const model = new GPT(config, 0);
  model.loadParameters((name) => weights.get(name));
  return { config, model, tokenizer };
}
