// Read a Hugging Face GPT-2 directory (config.json with model_type "gpt2", model.safetensors, tokenizer.json)
// as one of our models — e.g. our own `qed export-model` output, or a GPT-2 that a Python trainer saved with
// `save_pretrained`. loadCheckpoint() calls this when config.json is an HF config.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GPT, validateConfig, type GPTConfig } from './gpt.ts';
import { decodeSafetensors } from './safetensors.ts';
import { fromHfTokenizerJson } from './tokenizer-hf.ts';
import type { Tokenizer } from './tokenizer.ts';

export function isHfGpt2Config(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { model_type?: unknown }).model_type === 'gpt2';
}

/** Our GPT config for an HF GPT2Config, refusing variants our model does not compute the same way. */
export function fromHfGpt2Config(hf: Record<string, unknown>, source: string): GPTConfig {
  const need = (field: string, ok: boolean, what: string): void => {
    if (!ok) throw new Error(`${source}: field "${field}": ${what}`);
  };
  const act = hf.activation_function ?? 'gelu_new';
  need(
    'activation_function',
    act === 'gelu_new' || act === 'gelu_pytorch_tanh',
    `"${String(act)}" is not supported (GELU tanh only)`,
  );
  need('tie_word_embeddings', hf.tie_word_embeddings !== false, 'untied embeddings are not supported');
  need(
    'n_inner',
    hf.n_inner == null || hf.n_inner === 4 * (hf.n_embd as number),
    'only n_inner = 4·n_embd is supported',
  );
  need('scale_attn_weights', hf.scale_attn_weights !== false, 'unscaled attention is not supported');
  need('scale_attn_by_inverse_layer_idx', hf.scale_attn_by_inverse_layer_idx !== true, 'is not supported');
  try {
    return validateConfig({
      vocab: hf.vocab_size as number,
      ctx: hf.n_positions as number,
      layers: hf.n_layer as number,
      dModel: hf.n_embd as number,
      heads: hf.n_head as number,
      layerNormEps: (hf.layer_norm_epsilon as number | undefined) ?? 1e-5,
    });
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
}

/** Load model + tokenizer from an HF GPT-2 directory (F32 weights). */
export async function loadHfGpt2(
  dir: string,
  hfConfig: Record<string, unknown>,
): Promise<{ config: GPTConfig; model: GPT; tokenizer: Tokenizer }> {
  const config = fromHfGpt2Config(hfConfig, join(dir, 'config.json'));
  const tokPath = join(dir, 'tokenizer.json');
  const tokenizer = fromHfTokenizerJson(JSON.parse(await readFile(tokPath, 'utf8')), tokPath);
  const path = join(dir, 'model.safetensors');
  const { tensors } = decodeSafetensors(await readFile(path), path);
  const model = new GPT(config, 0);
  // save_pretrained of GPT2LMHeadModel prefixes "transformer."; a bare GPT2Model does not.
  const get = (name: string) => tensors.get(`transformer.${name}`) ?? tensors.get(name);
  for (const { name, tensor } of model.namedParameters()) {
    const t = get(name);
    if (!t) throw new Error(`${path}: missing tensor "transformer.${name}"`);
    if (t.dtype !== 'F32') throw new Error(`${path}: tensor "${name}" is ${t.dtype}; only F32 is supported`);
    if (t.shape.join() !== tensor.shape.join()) {
      throw new Error(
        `${path}: tensor "${name}": shape [${t.shape.join(', ')}], expected [${tensor.shape.join(', ')}]`,
      );
    }
  }
  const lmHead = tensors.get('lm_head.weight');
  const wte = get('wte.weight')!;
  if (lmHead && !(lmHead.data.length === wte.data.length && lmHead.data.every((v, i) => v === wte.data[i]))) {
    throw new Error(
      `${path}: lm_head.weight differs from wte.weight; untied output embeddings are not supported`,
    );
  }
  model.loadParameters((name) => get(name)?.data as Float32Array);
  return { config, model, tokenizer };
}
