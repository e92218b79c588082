// Read a Hugging Face GPT-2 directory (config.json with model_type "gpt2", model.safetensors, tokenizer.json)
// as one of our models — e.g. our own `qed export-model` output, or a GPT-2 that a Python trainer saved with
// `save_pretrained`. loadCheckpoint() calls this when config.json is an HF GPT-2 config. Also the directory
// reading and the tied-embedding check that the GPT-NeoX reader (hf-neox.ts) shares.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GPT, validateConfig, type GPTConfig } from './gpt.ts';
import { decodeSafetensors, type SafeTensor } from './safetensors.ts';
import { fromHfTokenizerJson } from './tokenizer-hf.ts';
import type { Tokenizer } from './tokenizer.ts';

/** Whether config.json is an HF config of this model type ("gpt2", "gpt_neox"). */
export function isHfConfig(raw: unknown, modelType: string): boolean {
  return (
    typeof raw === 'object' && raw !== null && (raw as { model_type?: unknown }).model_type === modelType
  );
}

/**
 * Checks for reading an HF config as one of our models: `need` throws naming the field, `geluTanh`
 * requires the GELU our model computes, and `validated` runs our own config validation under `source`.
 */
export function hfConfigChecks(source: string) {
  const need = (field: string, ok: boolean, what: string): void => {
    if (!ok) throw new Error(`${source}: field "${field}": ${what}`);
  };
  return {
    need,
    geluTanh: (field: string, act: unknown): void =>
      need(
        field,
        act === 'gelu_new' || act === 'gelu_pytorch_tanh',
        `"${String(act)}" is not supported (GELU tanh only)`,
      ),
    validated: (config: GPTConfig): GPTConfig => {
      try {
        return validateConfig(config);
      } catch (e) {
        throw new Error(`${source}: ${(e as Error).message}`);
      }
    },
  };
}

/** Our GPT config for an HF GPT2Config, refusing variants our model does not compute the same way. */
export function fromHfGpt2Config(hf: Record<string, unknown>, source: string): GPTConfig {
  const { need, geluTanh, validated } = hfConfigChecks(source);
  geluTanh('activation_function', hf.activation_function ?? 'gelu_new');
  need('tie_word_embeddings', hf.tie_word_embeddings !== false, 'untied embeddings are not supported');
  need(
    'n_inner',
    hf.n_inner == null || hf.n_inner === 4 * (hf.n_embd as number),
    'only n_inner = 4·n_embd is supported',
  );
  need('scale_attn_weights', hf.scale_attn_weights !== false, 'unscaled attention is not supported');
  need('scale_attn_by_inverse_layer_idx', hf.scale_attn_by_inverse_layer_idx !== true, 'is not supported');
  return validated({
    vocab: hf.vocab_size as number,
    ctx: hf.n_positions as number,
    layers: hf.n_layer as number,
    dModel: hf.n_embd as number,
    heads: hf.n_head as number,
    layerNormEps: (hf.layer_norm_epsilon as number | undefined) ?? 1e-5,
  });
}

/** The tokenizer and the safetensors of an HF directory, with a checked tensor getter. */
export async function readHfDir(dir: string): Promise<{
  tokenizer: Tokenizer;
  path: string;
  tensors: Map<string, SafeTensor>;
  /** The F32 tensor at the first of `names` that exists, checked against `shape`. */
  take: (names: string[], shape: readonly number[]) => Float32Array;
}> {
  const tokPath = join(dir, 'tokenizer.json');
  const tokenizer = fromHfTokenizerJson(JSON.parse(await readFile(tokPath, 'utf8')), tokPath);
  const path = join(dir, 'model.safetensors');
  const { tensors } = decodeSafetensors(await readFile(path), path);
  const take = (names: string[], shape: readonly number[]): Float32Array => {
    const name = names.find((n) => tensors.has(n));
    if (name === undefined) throw new Error(`${path}: missing tensor "${names[0]}"`);
    const t = tensors.get(name)!;
    if (t.dtype !== 'F32') throw new Error(`${path}: tensor "${name}" is ${t.dtype}; only F32 is supported`);
    if (t.shape.join() !== shape.join()) {
      throw new Error(
        `${path}: tensor "${name}": shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`,
      );
    }
    return t.data as Float32Array;
  };
  return { tokenizer, path, tensors, take };
}

/** Throws when `b` is present and differs from `a`: our models tie the output embedding to the input. */
export function requireTied(a: Float32Array, b: SafeTensor | undefined, what: string): void {
  if (b && !(b.dtype === 'F32' && b.data.length === a.length && b.data.every((v, i) => v === a[i])))
    throw new Error(`${what}; untied output embeddings are not supported`);
}

/** Load model + tokenizer from an HF GPT-2 directory (F32 weights). */
export async function loadHfGpt2(
  dir: string,
  hfConfig: Record<string, unknown>,
): Promise<{ config: GPTConfig; model: GPT; tokenizer: Tokenizer }> {
  const config = fromHfGpt2Config(hfConfig, join(dir, 'config.json'));
  const { tokenizer, path, tensors, take } = await readHfDir(dir);
  const model = new GPT(config, 0);
  // save_pretrained of GPT2LMHeadModel prefixes "transformer."; a bare GPT2Model does not.
  const weights = new Map(
    model
      .namedParameters()
      .map(({ name, tensor }) => [name, take([`transformer.${name}`, name], tensor.shape)]),
  );
  requireTied(
    weights.get('wte.weight')!,
    tensors.get('lm_head.weight'),
    `${path}: lm_head.weight differs from wte.weight`,
  );
  model.loadParameters((name) => weights.get(name));
  return { config, model, tokenizer };
}
