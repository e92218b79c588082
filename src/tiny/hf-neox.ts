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

/**
 * A model with previous-token embeddings exports as GPT-NeoX plus those tables (`prev_embed.weight`,
 * our `wprev` as it is), under model_type "qed_tiny", with the modeling code that transformers loads
 * with trust_remote_code (integrations/hf/modeling_qed_tiny.py).
 */
export const QED_TINY_MODEL_TYPE = 'qed_tiny';
export const QED_TINY_MODELING_FILE = 'modeling_qed_tiny.py';
const PREV_EMBED = 'prev_embed.weight';

/** GPTNeoXConfig for our model config (rotary positions; "qed_tiny" with previous-token embeddings). */
export function hfNeoxConfig(
  model: GPT,
  ids: { bos: number | null; eos: number | null },
): Record<string, unknown> {
  const c = model.config;
  const prev = c.prevTokens
    ? {
        architectures: ['QedTinyForCausalLM'],
        model_type: QED_TINY_MODEL_TYPE,
        prev_tokens: c.prevTokens,
        auto_map: {
          AutoConfig: 'modeling_qed_tiny.QedTinyConfig',
          AutoModelForCausalLM: 'modeling_qed_tiny.QedTinyForCausalLM',
        },
      }
    : {};
  return {
    architectures: ['GPTNeoXForCausalLM'],
    model_type: 'gpt_neox',
    ...prev,
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
 * Our parameter names and GPT-NeoX's, for everything but the fused QKV (whose rows are regrouped, see
 * neoxQkvOrder). `linear`: a weight that GPT-NeoX stores as Linear [out, in] where ours is Conv1D
 * [in, out], so it is transposed on the way out and back.
 */
function neoxNames(layers: number): Array<{ ours: string; theirs: string; linear: boolean }> {
  const map = [
    { ours: 'wte.weight', theirs: 'gpt_neox.embed_in.weight', linear: false },
    { ours: 'ln_f.weight', theirs: 'gpt_neox.final_layer_norm.weight', linear: false },
    { ours: 'ln_f.bias', theirs: 'gpt_neox.final_layer_norm.bias', linear: false },
  ];
  const perLayer: Array<[string, string, boolean]> = [
    ['ln_1.weight', 'input_layernorm.weight', false],
    ['ln_1.bias', 'input_layernorm.bias', false],
    ['ln_2.weight', 'post_attention_layernorm.weight', false],
    ['ln_2.bias', 'post_attention_layernorm.bias', false],
    ['attn.c_proj.weight', 'attention.dense.weight', true],
    ['attn.c_proj.bias', 'attention.dense.bias', false],
    ['mlp.c_fc.weight', 'mlp.dense_h_to_4h.weight', true],
    ['mlp.c_fc.bias', 'mlp.dense_h_to_4h.bias', false],
    ['mlp.c_proj.weight', 'mlp.dense_4h_to_h.weight', true],
    ['mlp.c_proj.bias', 'mlp.dense_4h_to_h.bias', false],
  ];
  for (let l = 0; l < layers; l++)
    for (const [ours, theirs, linear] of perLayer)
      map.push({ ours: `h.${l}.${ours}`, theirs: `gpt_neox.layers.${l}.${theirs}`, linear });
  return map;
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
  const { dModel: C, heads, layers } = model.config;
  const params = new Map(model.namedParameters().map((x) => [x.name, x.tensor]));
  const get = (name: string) => {
    const t = params.get(name);
    if (!t) throw new Error(`GPT-NeoX export: the model has no parameter ${name}`);
    return t;
  };
  const out: Tensors = {};
  for (const { ours, theirs, linear } of neoxNames(layers)) {
    const { shape, data } = get(ours);
    out[theirs] = linear
      ? { shape: [shape[1], shape[0]], data: transpose(data, shape[0], shape[1]) }
      : { shape: [...shape], data };
  }
  out['embed_out.weight'] = out['gpt_neox.embed_in.weight'];
  if (model.wprev) out[PREV_EMBED] = { shape: [...model.wprev.shape], data: model.wprev.data };
  const order = neoxQkvOrder(C, heads);
  for (let l = 0; l < layers; l++) {
    const w = get(`h.${l}.attn.c_attn.weight`).data; // [C, 3C]
    const b = get(`h.${l}.attn.c_attn.bias`).data;
    const qkvW = new Float32Array(3 * C * C);
    const qkvB = new Float32Array(3 * C);
    for (let j = 0; j < 3 * C; j++) {
      const row = order[j];
      qkvB[row] = b[j];
      for (let i = 0; i < C; i++) qkvW[row * C + i] = w[i * 3 * C + j];
    }
    out[`gpt_neox.layers.${l}.attention.query_key_value.weight`] = { shape: [3 * C, C], data: qkvW };
    out[`gpt_neox.layers.${l}.attention.query_key_value.bias`] = { shape: [3 * C], data: qkvB };
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
  const prevTokens = hf.model_type === QED_TINY_MODEL_TYPE ? (hf.prev_tokens as number) : 0;
  return validated({
    vocab: hf.vocab_size as number,
    ctx: hf.max_position_embeddings as number,
    layers: hf.num_hidden_layers as number,
    dModel: hf.hidden_size as number,
    heads: hf.num_attention_heads as number,
    layerNormEps: (hf.layer_norm_eps as number | undefined) ?? 1e-5,
    positions: 'rope',
    ...(prevTokens ? { prevTokens } : {}),
  });
}

/** Load model + tokenizer from an HF GPT-NeoX directory (F32 weights): the inverse of neoxTensors. */
export async function loadHfNeox(
  dir: string,
  hfConfig: Record<string, unknown>,
): Promise<{ config: GPTConfig; model: GPT; tokenizer: Tokenizer }> {
  const config = fromHfNeoxConfig(hfConfig, join(dir, 'config.json'));
  const { dModel: C, heads, layers } = config;
  const { tokenizer, path, tensors, take } = await readHfDir(dir);
  const model = new GPT(config, 0);
  const shapes = new Map(model.namedParameters().map((x) => [x.name, x.tensor.shape]));
  const weights = new Map<string, Float32Array>();
  for (const { ours, theirs, linear } of neoxNames(layers)) {
    const [a, b] = shapes.get(ours)!;
    weights.set(ours, linear ? transpose(take([theirs], [b, a]), b, a) : take([theirs], shapes.get(ours)!));
  }
  requireTied(
    weights.get('wte.weight')!,
    tensors.get('embed_out.weight'),
    `${path}: embed_out.weight differs from gpt_neox.embed_in.weight`,
  );
  const order = neoxQkvOrder(C, heads);
  for (let l = 0; l < layers; l++) {
    const qkvW = take([`gpt_neox.layers.${l}.attention.query_key_value.weight`], [3 * C, C]);
    const qkvB = take([`gpt_neox.layers.${l}.attention.query_key_value.bias`], [3 * C]);
    const w = new Float32Array(3 * C * C);
    const b = new Float32Array(3 * C);
    for (let j = 0; j < 3 * C; j++) {
      b[j] = qkvB[order[j]];
      for (let i = 0; i < C; i++) w[i * 3 * C + j] = qkvW[order[j] * C + i];
    }
    weights.set(`h.${l}.attn.c_attn.weight`, w);
    weights.set(`h.${l}.attn.c_attn.bias`, b);
  }
  if (config.prevTokens)
    weights.set('wprev.weight', take([PREV_EMBED], [config.prevTokens * (config.vocab + 1), C]));
  model.loadParameters((name) => weights.get(name));
  return { config, model, tokenizer };
}
