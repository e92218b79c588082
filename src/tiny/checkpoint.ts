// Checkpoints: a directory with config.json (GPT config + caller metadata), model.safetensors (weights by
// HF GPT-2 parameter name), tokenizer.json (HF format), and optionally optimizer.safetensors (AdamW moments
// + step) and trainer-state.json. Saved atomically: everything is written and fsynced in a sibling temp dir
// that is then renamed into place, so a crash at any moment leaves the previous checkpoint loadable.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isHfConfig, loadHfGpt2 } from './checkpoint-hf.ts';
import { QED_TINY_MODEL_TYPE, loadHfNeox } from './hf-neox.ts';
import { GPT, validateConfig, type GPTConfig } from './gpt.ts';
import type { AdamW, AdamWState } from './optim.ts';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.ts';
import { fromHfTokenizerJson, toHfTokenizerJson } from './tokenizer-hf.ts';
import type { Tokenizer } from './tokenizer.ts';

export const CHECKPOINT_FORMAT = 'qed-nano-gpt';
export const CHECKPOINT_FORMAT_VERSION = 1;

export interface SaveCheckpointOptions {
  model: GPT;
  tokenizer: Tokenizer;
  /** An optimizer (its state() is saved) or a state captured earlier. */
  optimizer?: AdamW | AdamWState;
  /** Any JSON the trainer needs to resume (step, data order seed, loss history …). */
  trainerState?: unknown;
  /** Free-form JSON stored in config.json (e.g. how the model was trained). */
  meta?: Record<string, unknown>;
  /** Called after the new files are durable ('written') and after the old checkpoint moved aside ('swapped'). */
  onStage?: (stage: 'written' | 'swapped') => void;
}

export interface LoadedCheckpoint {
  /** The directory actually read (the `.prev` sibling when a save crashed between renames). */
  dir: string;
  config: GPTConfig;
  model: GPT;
  tokenizer: Tokenizer;
  optimizerState?: AdamWState;
  trainerState?: unknown;
  meta: Record<string, unknown>;
}

interface ConfigFile {
  format: string;
  formatVersion: number;
  model: GPTConfig;
  meta?: Record<string, unknown>;
}

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function isAdamW(x: AdamW | AdamWState): x is AdamW {
  return typeof (x as AdamW).state === 'function';
}

/** Write a checkpoint directory atomically (replacing any previous checkpoint at `dir`). */
export async function saveCheckpoint(dir: string, opts: SaveCheckpointOptions): Promise<void> {
  const { model, tokenizer } = opts;
  if (tokenizer.vocabSize > model.config.vocab) {
    throw new Error(
      `saveCheckpoint: tokenizer has ${tokenizer.vocabSize} tokens but the model vocab is ${model.config.vocab}`,
    );
  }
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  for (const name of await readdir(parent)) {
    if (name.startsWith(`${basename(dir)}.tmp-`))
      await rm(join(parent, name), { recursive: true, force: true });
  }
  const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp);
  const config: ConfigFile = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    model: model.config,
    meta: opts.meta ?? {},
  };
  await writeDurable(join(tmp, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const weights = Object.fromEntries(
    model.namedParameters().map((p) => [p.name, { shape: p.tensor.shape, data: p.tensor.data }]),
  );
  await writeDurable(join(tmp, 'model.safetensors'), encodeSafetensors(weights, { format: 'pt' }));
  await writeDurable(join(tmp, 'tokenizer.json'), JSON.stringify(toHfTokenizerJson(tokenizer)));
  if (opts.optimizer) {
    const st = isAdamW(opts.optimizer) ? opts.optimizer.state() : opts.optimizer;
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [name, m] of Object.entries(st.m)) tensors[`m.${name}`] = { shape: [m.length], data: m };
    for (const [name, v] of Object.entries(st.v)) tensors[`v.${name}`] = { shape: [v.length], data: v };
    await writeDurable(
      join(tmp, 'optimizer.safetensors'),
      encodeSafetensors(tensors, { step: String(st.step) }),
    );
  }
  if (opts.trainerState !== undefined) {
    await writeDurable(join(tmp, 'trainer-state.json'), `${JSON.stringify(opts.trainerState, null, 2)}\n`);
  }
  await syncDir(tmp);
  opts.onStage?.('written');
  const prev = `${dir}.prev`;
  if (existsSync(dir)) {
    await rm(prev, { recursive: true, force: true });
    await rename(dir, prev);
    opts.onStage?.('swapped');
  }
  await rename(tmp, dir);
  await syncDir(parent);
  await rm(prev, { recursive: true, force: true });
}

/** Reads one file of a checkpoint; a missing file is named as such, not as a raw ENOENT. */
async function readCheckpointFile(path: string): Promise<Buffer>;
async function readCheckpointFile(path: string, encoding: 'utf8'): Promise<string>;
async function readCheckpointFile(path: string, encoding?: 'utf8'): Promise<Buffer | string> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${path}: missing from the checkpoint`);
    throw e;
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readCheckpointFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: invalid JSON (${(e as Error).message})`);
  }
}

/**
 * Load and verify a checkpoint: config, tokenizer and every weight's name and shape. A Hugging Face GPT-2
 * or GPT-NeoX directory (config.json with model_type "gpt2" or "gpt_neox", F32 safetensors) loads too,
 * without optimizer state.
 */
/** Whether `dir` holds a checkpoint, or its `.prev` sibling does (a save crashed between renames). */
export function checkpointExists(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) || existsSync(join(`${dir}.prev`, 'config.json'));
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  if (!existsSync(dir) && existsSync(join(`${dir}.prev`, 'config.json'))) dir = `${dir}.prev`;
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`${dir}: not a checkpoint (no config.json)`);
  const raw = (await readJson(cfgPath)) as Partial<ConfigFile>;
  if (isHfConfig(raw, 'gpt2'))
    return { dir, ...(await loadHfGpt2(dir, raw as Record<string, unknown>)), meta: {} };
  if (isHfConfig(raw, 'gpt_neox') || isHfConfig(raw, QED_TINY_MODEL_TYPE))
    return { dir, ...(await loadHfNeox(dir, raw as Record<string, unknown>)), meta: {} };
  if (raw?.format !== CHECKPOINT_FORMAT)
    throw new Error(`${cfgPath}: field "format" must be "${CHECKPOINT_FORMAT}"`);
  if (raw.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new Error(
      `${cfgPath}: field "formatVersion" ${String(raw.formatVersion)} is not supported (expected ${CHECKPOINT_FORMAT_VERSION})`,
    );
  }
  let config: GPTConfig;
  try {
    config = validateConfig({ ...(raw.model as GPTConfig) });
  } catch (e) {
    throw new Error(`${cfgPath}: field "model": ${(e as Error).message}`);
  }
  const tokPath = join(dir, 'tokenizer.json');
  const tokenizer = fromHfTokenizerJson(await readJson(tokPath), tokPath);
  if (tokenizer.vocabSize > config.vocab) {
    throw new Error(`${tokPath}: ${tokenizer.vocabSize} tokens but config.json says vocab ${config.vocab}`);
  }
  const modelPath = join(dir, 'model.safetensors');
  const { tensors } = decodeSafetensors(await readCheckpointFile(modelPath), modelPath);
  const model = new GPT(config, 0);
  const expected = new Set<string>();
  for (const { name, tensor } of model.namedParameters()) {
    expected.add(name);
    const t = tensors.get(name);
    if (!t) throw new Error(`${modelPath}: missing tensor "${name}"`);
    checkF32(t, tensor.shape, `${modelPath}: tensor "${name}"`);
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) throw new Error(`${modelPath}: unexpected tensor "${name}" for this config`);
  }
  model.loadParameters((name) => tensors.get(name)?.data as Float32Array);

  const out: LoadedCheckpoint = { dir, config, model, tokenizer, meta: raw.meta ?? {} };
  const optPath = join(dir, 'optimizer.safetensors');
  if (existsSync(optPath)) {
    const opt = decodeSafetensors(await readFile(optPath), optPath);
    const step = Number(opt.metadata.step);
    if (!Number.isInteger(step) || step < 0)
      throw new Error(`${optPath}: metadata "step" is missing or invalid`);
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    for (const { name, tensor } of model.namedParameters()) {
      for (const [prefix, into] of [
        ['m', m],
        ['v', v],
      ] as const) {
        const t = opt.tensors.get(`${prefix}.${name}`);
        if (!t) throw new Error(`${optPath}: missing tensor "${prefix}.${name}"`);
        checkF32(t, [tensor.size], `${optPath}: tensor "${prefix}.${name}"`);
        into[name] = t.data as Float32Array;
      }
    }
    out.optimizerState = { step, m, v };
  }
  const statePath = join(dir, 'trainer-state.json');
  if (existsSync(statePath)) out.trainerState = await readJson(statePath);
  return out;
}

function checkF32(t: SafeTensor, shape: readonly number[], where: string): void {
  if (t.dtype !== 'F32') throw new Error(`${where}: dtype ${t.dtype}, expected F32`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${where}: shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
}
