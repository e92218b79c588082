// Export a checkpoint in a Hugging Face layout so `transformers` loads it with
// AutoModelForCausalLM / AutoTokenizer: GPT-2 for learned positions (config.json GPT2LMHeadModel,
// model.safetensors with `transformer.*` names, Conv1D weights kept [in, out], lm_head tied to wte and so
// omitted, as save_pretrained does), GPT-NeoX for rotary positions (hf-neox.ts), GPT-NeoX plus
// previous-token embeddings as "qed_tiny" with its modeling code (trust_remote_code); and for all
// tokenizer.json, tokenizer_config.json with the ChatML chat template, special_tokens_map.json,
// generation_config.json. Files are written to a temp dir and renamed into place.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CHAT_TEMPLATE_JINJA, END_OF_TEXT, IM_END, IM_START } from './chat-template.ts';
import type { GPT } from './gpt.ts';
import { QED_TINY_MODELING_FILE, hfNeoxConfig, neoxTensors } from './hf-neox.ts';
import { encodeSafetensors } from './safetensors.ts';
import { toHfTokenizerJson } from './tokenizer-hf.ts';
import type { Tokenizer } from './tokenizer.ts';

/** The modeling code shipped with a "qed_tiny" export. */
const QED_TINY_MODELING_SOURCE = fileURLToPath(
  new URL(`../../integrations/hf/${QED_TINY_MODELING_FILE}`, import.meta.url),
);

export interface HfExportOptions {
  model: GPT;
  tokenizer: Tokenizer;
  /** Replace a non-empty output directory. */
  force?: boolean;
}

/** bos / eos ids for an HF config: <|endoftext|> and <|im_end|> where the tokenizer has them. */
function specialIds(tokenizer: Tokenizer): { bos: number | null; eos: number | null } {
  const eos = tokenizer.specialId(IM_END) ?? tokenizer.specialId(END_OF_TEXT) ?? null;
  return { bos: tokenizer.specialId(END_OF_TEXT) ?? eos, eos };
}

/** The HF GPT2Config for our model config (learned positions). */
export function hfGpt2Config(model: GPT, tokenizer: Tokenizer): Record<string, unknown> {
  const c = model.config;
  if (c.positions === 'rope')
    throw new Error('HF GPT-2 export needs learned positions; this model uses rotary positions (rope)');
  const { bos, eos } = specialIds(tokenizer);
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: c.vocab,
    n_positions: c.ctx,
    n_ctx: c.ctx,
    n_embd: c.dModel,
    n_layer: c.layers,
    n_head: c.heads,
    n_inner: null,
    activation_function: 'gelu_new',
    resid_pdrop: c.dropout ?? 0,
    embd_pdrop: c.dropout ?? 0,
    attn_pdrop: 0,
    layer_norm_epsilon: c.layerNormEps ?? 1e-5,
    initializer_range: 0.02,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    tie_word_embeddings: true,
    use_cache: true,
    bos_token_id: bos,
    eos_token_id: eos,
    torch_dtype: 'float32',
  };
}

function tokenizerConfig(model: GPT, tokenizer: Tokenizer): Record<string, unknown> {
  const name = (s: string): string | null => (tokenizer.specialId(s) === undefined ? null : s);
  const decoder: Record<string, unknown> = {};
  for (const s of tokenizer.specials) {
    decoder[String(s.id)] = {
      content: s.content,
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
      special: true,
    };
  }
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    added_tokens_decoder: decoder,
    bos_token: name(END_OF_TEXT),
    eos_token: name(IM_END) ?? name(END_OF_TEXT),
    pad_token: name(END_OF_TEXT),
    unk_token: null,
    additional_special_tokens: [IM_START, IM_END].filter((s) => tokenizer.specialId(s) !== undefined),
    chat_template: CHAT_TEMPLATE_JINJA,
    model_max_length: model.config.ctx,
    clean_up_tokenization_spaces: false,
  };
}

/**
 * Write the HF export of a model + tokenizer to `out`: GPT-2 for learned positions, GPT-NeoX for rotary
 * ones, and GPT-NeoX plus previous-token embeddings ("qed_tiny", with its modeling code for
 * trust_remote_code) for the demo's default. Learned positions with previous-token embeddings are
 * refused before anything is written.
 */
export async function exportHf(out: string, opts: HfExportOptions): Promise<string[]> {
  const { model, tokenizer } = opts;
  if (model.config.prevTokens && model.config.positions !== 'rope')
    throw new Error(
      'HF export of previous-token embeddings needs rotary positions (it extends GPT-NeoX); this model has learned ones',
    );
  const neox = model.config.positions === 'rope';
  const config = neox ? hfNeoxConfig(model, specialIds(tokenizer)) : hfGpt2Config(model, tokenizer);
  if (existsSync(out) && (await readdir(out)).length > 0 && !opts.force) {
    throw new Error(`${out} exists and is not empty (use --force to replace it)`);
  }
  const tmp = `${out}.tmp-export`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const tensors = neox
    ? neoxTensors(model)
    : Object.fromEntries(
        model
          .namedParameters()
          .map((p) => [`transformer.${p.name}`, { shape: p.tensor.shape, data: p.tensor.data }]),
      );
  const eosIds = [IM_END, END_OF_TEXT].map((s) => tokenizer.specialId(s)).filter((i) => i !== undefined);
  const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;
  const files: Record<string, string | Buffer> = {
    'config.json': json(config),
    'model.safetensors': encodeSafetensors(tensors, { format: 'pt' }),
    'tokenizer.json': JSON.stringify(toHfTokenizerJson(tokenizer)),
    'tokenizer_config.json': json(tokenizerConfig(model, tokenizer)),
    'special_tokens_map.json': json({
      bos_token: END_OF_TEXT,
      eos_token: IM_END,
      pad_token: END_OF_TEXT,
      additional_special_tokens: [IM_START, IM_END],
    }),
    'generation_config.json': json({
      bos_token_id: tokenizer.specialId(END_OF_TEXT) ?? null,
      eos_token_id: eosIds,
    }),
    ...(model.config.prevTokens
      ? { [QED_TINY_MODELING_FILE]: await readFile(QED_TINY_MODELING_SOURCE, 'utf8') }
      : {}),
  };
  for (const [name, data] of Object.entries(files)) await writeFile(`${tmp}/${name}`, data);
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
  return Object.keys(files);
}
