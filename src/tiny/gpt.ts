// GPT-2-style decoder (same layout as the PyTorch peer torch_tiny_gpt.py): token + learned position
// embedding (or, with `positions: 'rope'`, no position embedding and rotary queries and keys),
// pre-LayerNorm blocks (fused qkv attention, 4x GELU-tanh MLP, biases everywhere), final LayerNorm,
// unembedding tied to the token embedding. Parameters carry HF GPT-2 names and layouts.
import { Rng } from '../core/rng.ts';
import { add, reshape } from './ops-basic.ts';
import { causalAttention, dropout, embedding, gelu, layerNorm, linear, matmul } from './ops-nn.ts';
import { rope } from './rope.ts';
import { Tensor, asScratch } from './tensor.ts';

export interface GPTConfig {
  vocab: number;
  /** Context length (number of positions). */
  ctx: number;
  layers: number;
  dModel: number;
  heads: number;
  /** Dropout probability on embeddings, attention output and MLP output while training (default 0). */
  dropout?: number;
  layerNormEps?: number;
  /**
   * How positions enter: `learned` (default, GPT-2: a learned embedding per position, `wpe`) or `rope`
   * (rotary queries and keys, no `wpe`; attention depends on relative position). See rope.ts.
   */
  positions?: 'learned' | 'rope';
  /**
   * Adds learned embeddings of the k previous tokens (`wprev`, k tables of V + 1 rows stacked into
   * [k·(V + 1), C]; row V of a table stands for "none", before an example's start) to each token's
   * input, like a short causal convolution over the tokens. Attention keys then see what came just
   * before them, so a single attention layer can find "what followed the earlier occurrence of the token
   * j back" (an induction head) without first learning to move that token forward. Default 0 (GPT-2).
   */
  prevTokens?: number;
}

export interface NamedParameter {
  /** HF GPT-2 name without the `transformer.` prefix, e.g. `h.0.attn.c_attn.weight`. */
  name: string;
  tensor: Tensor;
}

export function validateConfig(c: GPTConfig): GPTConfig {
  for (const k of ['vocab', 'ctx', 'layers', 'dModel', 'heads'] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) throw new Error(`GPT config: ${k} must be a positive integer`);
  }
  if (c.dModel % c.heads !== 0)
    throw new Error(`GPT config: dModel ${c.dModel} not divisible by heads ${c.heads}`);
  const p = c.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new Error(`GPT config: dropout must be in [0, 1)`);
  if (c.positions !== undefined && c.positions !== 'learned' && c.positions !== 'rope')
    throw new Error(`GPT config: positions must be 'learned' or 'rope' (got ${JSON.stringify(c.positions)})`);
  if (
    c.prevTokens !== undefined &&
    !(Number.isInteger(c.prevTokens) && c.prevTokens >= 0 && c.prevTokens <= 8)
  )
    throw new Error(
      `GPT config: prevTokens must be an integer from 0 to 8 (got ${JSON.stringify(c.prevTokens)})`,
    );
  if (c.positions === 'rope' && (c.dModel / c.heads) % 2 !== 0)
    throw new Error(`GPT config: rope needs an even head size (dModel / heads = ${c.dModel / c.heads})`);
  return c;
}

interface Block {
  ln1g: Tensor;
  ln1b: Tensor;
  attnW: Tensor; // [C, 3C]
  attnB: Tensor; // [3C]
  projW: Tensor; // [C, C]
  projB: Tensor; // [C]
  ln2g: Tensor;
  ln2b: Tensor;
  fcW: Tensor; // [C, 4C]
  fcB: Tensor; // [4C]
  fcProjW: Tensor; // [4C, C]
  fcProjB: Tensor; // [C]
}

export interface ForwardOptions {
  /** Enables dropout (when config.dropout > 0) with this seeded generator. */
  dropoutRng?: Rng;
  /**
   * Position of each token inside its own example [B*T], for rows that pack several examples: each
   * example starts again at position 0 and attends only to itself, so a packed row computes exactly
   * what its examples would one per row. Default: row t is position t, one sequence per row.
   */
  positions?: Int32Array;
  /**
   * Rows of the flattened [B*T] positions to compute logits for (e.g. only a completion's tokens, as RL
   * needs): the result is then [N, V] in this order, and the output head runs on those rows alone.
   */
  logitRows?: Int32Array;
}

/**
 * Checks per-token positions (each 0, or one more than the previous token's in the same row) and returns
 * each token's attention start: the index in its row where its example begins.
 */
export function segmentStarts(positions: Int32Array, B: number, T: number): Int32Array {
  if (positions.length !== B * T)
    throw new Error(`GPT.forward: positions has ${positions.length} entries, expected B*T = ${B * T}`);
  const start = new Int32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    const t = i % T;
    const p = positions[i];
    if (p !== 0 && (t === 0 || p !== positions[i - 1] + 1))
      throw new Error(
        `GPT.forward: position ${p} at row ${Math.floor(i / T)}, column ${t} must be 0 or follow the previous one`,
      );
    start[i] = t - p;
  }
  return start;
}

export class GPT {
  readonly config: GPTConfig;
  readonly wte: Tensor; // [V, C]
  /** Learned position embedding [ctx, C]; null with rotary positions. */
  readonly wpe: Tensor | null;
  /** Previous-token embeddings [k·(V + 1), C] (config.prevTokens = k > 0), else null. */
  readonly wprev: Tensor | null;
  readonly blocks: Block[];
  readonly lnfG: Tensor;
  readonly lnfB: Tensor;
  private readonly named: NamedParameter[];

  /** Build from a config; weights are GPT-2 initialised from `seed`. */
  constructor(config: GPTConfig, seed: number) {
    this.config = validateConfig({ ...config });
    const { vocab: V, ctx, layers: L, dModel: C } = this.config;
    const rng = new Rng(seed);
    const named: NamedParameter[] = [];
    const param = (name: string, shape: number[], init: 'normal' | 'proj' | 'zeros' | 'ones'): Tensor => {
      const t = Tensor.zeros(shape, true);
      t.name = name;
      const std = init === 'proj' ? 0.02 / Math.sqrt(2 * L) : 0.02;
      if (init === 'normal' || init === 'proj')
        for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * std;
      if (init === 'ones') t.data.fill(1);
      named.push({ name, tensor: t });
      return t;
    };
    this.wte = param('wte.weight', [V, C], 'normal');
    this.wpe = this.config.positions === 'rope' ? null : param('wpe.weight', [ctx, C], 'normal');
    const k = this.config.prevTokens ?? 0;
    this.wprev = k > 0 ? param('wprev.weight', [k * (V + 1), C], 'normal') : null;
    this.blocks = [];
    for (let l = 0; l < L; l++) {
      const p = `h.${l}.`;
      this.blocks.push({
        ln1g: param(`${p}ln_1.weight`, [C], 'ones'),
        ln1b: param(`${p}ln_1.bias`, [C], 'zeros'),
        attnW: param(`${p}attn.c_attn.weight`, [C, 3 * C], 'normal'),
        attnB: param(`${p}attn.c_attn.bias`, [3 * C], 'zeros'),
        projW: param(`${p}attn.c_proj.weight`, [C, C], 'proj'),
        projB: param(`${p}attn.c_proj.bias`, [C], 'zeros'),
        ln2g: param(`${p}ln_2.weight`, [C], 'ones'),
        ln2b: param(`${p}ln_2.bias`, [C], 'zeros'),
        fcW: param(`${p}mlp.c_fc.weight`, [C, 4 * C], 'normal'),
        fcB: param(`${p}mlp.c_fc.bias`, [4 * C], 'zeros'),
        fcProjW: param(`${p}mlp.c_proj.weight`, [4 * C, C], 'proj'),
        fcProjB: param(`${p}mlp.c_proj.bias`, [C], 'zeros'),
      });
    }
    this.lnfG = param('ln_f.weight', [C], 'ones');
    this.lnfB = param('ln_f.bias', [C], 'zeros');
    this.named = named;
  }

  /**
   * Parameters in HF GPT-2 order, names and layouts (Conv1D weights are [in, out], as HF stores them;
   * the tied `lm_head.weight` is `wte.weight`). Data is live: writing into it changes the model.
   */
  namedParameters(): NamedParameter[] {
    return this.named;
  }

  parameters(): Tensor[] {
    return this.named.map((p) => p.tensor);
  }

  numParameters(): number {
    return this.named.reduce((s, p) => s + p.tensor.size, 0);
  }

  /** Copy weights from name → data (e.g. a loaded checkpoint); every parameter must be present. */
  loadParameters(get: (name: string) => Float32Array | undefined): void {
    for (const { name, tensor } of this.named) {
      const d = get(name);
      if (!d) throw new Error(`loadParameters: missing ${name}`);
      if (d.length !== tensor.size) {
        throw new Error(
          `loadParameters: ${name} has ${d.length} values, expected [${tensor.shape.join(', ')}]`,
        );
      }
      tensor.data.set(d);
    }
  }

  zeroGrad(): void {
    for (const p of this.named) p.tensor.zeroGrad();
  }

  /** tokens [B*T] row-major (values in [0, vocab)) → logits [B, T, V]. */
  forward(tokens: Int32Array, B: number, T: number, opts: ForwardOptions = {}): Tensor {
    const { ctx, heads } = this.config;
    if (tokens.length !== B * T)
      throw new Error(`GPT.forward: ${tokens.length} tokens is not B*T = ${B}*${T}`);
    if (T > ctx) throw new Error(`GPT.forward: sequence length ${T} exceeds context ${ctx}`);
    const p = opts.dropoutRng ? (this.config.dropout ?? 0) : 0;
    const drop = (t: Tensor): Tensor => (p > 0 ? dropout(t, p, opts.dropoutRng!) : t);
    let pos = opts.positions;
    let start: Int32Array | undefined;
    if (pos) start = segmentStarts(pos, B, T);
    else {
      pos = new Int32Array(B * T);
      for (let i = 0; i < pos.length; i++) pos[i] = i % T;
    }
    // Every activation below except the logits is internal, so backward may recycle its buffer.
    const s = asScratch;
    const eps = this.config.layerNormEps;
    const tok = s(embedding(this.wte, tokens, [B, T])); // [B, T, C]
    let e = this.wpe ? s(add(tok, s(embedding(this.wpe, pos, [B, T])))) : tok;
    for (let j = 1; this.wprev && j <= this.config.prevTokens!; j++) {
      // Row of table j: the token j back, or V (none) when it lies before the example's start.
      const V1 = this.config.vocab + 1;
      const prev = new Int32Array(B * T);
      for (let i = 0; i < prev.length; i++) prev[i] = (j - 1) * V1 + (pos[i] >= j ? tokens[i - j] : V1 - 1);
      e = s(add(e, s(embedding(this.wprev, prev, [B, T]))));
    }
    let x = s(drop(e)); // [B, T, C]
    for (const blk of this.blocks) {
      const h = s(layerNorm(x, blk.ln1g, blk.ln1b, eps)); // [B, T, C]
      let qkv = s(linear(h, blk.attnW, blk.attnB)); // [B, T, 3C]
      if (!this.wpe) qkv = s(rope(qkv, heads, ctx, pos));
      const att = s(causalAttention(qkv, heads, start)); // [B, T, C]
      x = s(add(x, s(drop(s(linear(att, blk.projW, blk.projB)))))); // [B, T, C]
      const h2 = s(layerNorm(x, blk.ln2g, blk.ln2b, eps)); // [B, T, C]
      const m = s(gelu(s(linear(h2, blk.fcW, blk.fcB)))); // [B, T, 4C]
      x = s(add(x, s(drop(s(linear(m, blk.fcProjW, blk.fcProjB)))))); // [B, T, C]
    }
    const hf = s(layerNorm(x, this.lnfG, this.lnfB, eps)); // [B, T, C]
    const rows = opts.logitRows;
    if (!rows) return matmul(hf, this.wte, { transB: true }); // [B, T, V]
    // Picking rows is an embedding lookup into the hidden states (its backward scatters the gradient).
    // (The reshape shares hf's buffer, so it is not scratch: hf's own release frees it once.)
    const picked = s(embedding(reshape(hf, [B * T, this.config.dModel]), rows, [rows.length])); // [N, C]
    return matmul(picked, this.wte, { transB: true }); // [N, V]
  }
}

/** Create a GPT with GPT-2 initialisation from a seed. */
export function createGPT(config: GPTConfig, seed: number): GPT {
  return new GPT(config, seed);
}
