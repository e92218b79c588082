// Rotary position embedding (RoPE, GPT-NeoX layout): within each head, dimension pairs (i, i + hd/2)
// of the query and key are rotated by the angle pos · base^(-2i/hd). The attention score then depends on
// positions only through their difference, so a pattern learned at one offset (attend to the previous
// token, to the token after a match) holds at every position — which learned absolute positions must
// learn separately for each one. Values are not rotated.
import { allocUninit } from './buffer-pool.ts';
import { Tensor, result, shapeError } from './tensor.ts';

const BASE = 10000;
const tables = new Map<string, { cos: Float32Array; sin: Float32Array }>();

/** cos/sin [ctx, hd/2] for head size hd, cached per shape. */
function ropeTable(ctx: number, hd: number): { cos: Float32Array; sin: Float32Array } {
  const key = `${ctx}:${hd}`;
  let t = tables.get(key);
  if (!t) {
    const half = hd / 2;
    const cos = new Float32Array(ctx * half);
    const sin = new Float32Array(ctx * half);
    for (let p = 0; p < ctx; p++) {
      for (let i = 0; i < half; i++) {
        const angle = p * Math.pow(BASE, (-2 * i) / hd);
        cos[p * half + i] = Math.cos(angle);
        sin[p * half + i] = Math.sin(angle);
      }
    }
    t = { cos, sin };
    tables.set(key, t);
  }
  return t;
}

/**
 * Rotate, in place, the query and key thirds of fused rows qkv [N, 3C] (row r at position pos[r]) by
 * their positions; `inverse` rotates back (the transpose, used for gradients).
 */
export function rotateQK(
  qkv: Float32Array,
  pos: ArrayLike<number>,
  N: number,
  C: number,
  heads: number,
  ctx: number,
  inverse = false,
): void {
  const hd = C / heads;
  if (hd % 2 !== 0) throw new Error(`rope: head size ${hd} must be even`);
  const half = hd / 2;
  const { cos, sin } = ropeTable(ctx, hd);
  const sign = inverse ? -1 : 1;
  for (let r = 0; r < N; r++) {
    const p = pos[r];
    if (!(p >= 0 && p < ctx)) throw new Error(`rope: position ${p} outside the context of ${ctx}`);
    for (let part = 0; part < 2; part++) {
      for (let h = 0; h < heads; h++) {
        const o = r * 3 * C + part * C + h * hd;
        for (let i = 0; i < half; i++) {
          const c = cos[p * half + i];
          const s = sign * sin[p * half + i];
          const a = qkv[o + i];
          const b = qkv[o + i + half];
          qkv[o + i] = a * c - b * s;
          qkv[o + i + half] = a * s + b * c;
        }
      }
    }
  }
}

/** Differentiable RoPE on qkv [B, T, 3C], row i at position pos[i] (B*T entries). */
export function rope(qkv: Tensor, heads: number, ctx: number, pos: Int32Array): Tensor {
  if (qkv.rank !== 3 || qkv.shape[2] % (3 * heads) !== 0)
    shapeError('rope', `qkv must be [B, T, 3C] with C divisible by ${heads} heads`, qkv.shape);
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const N = B * T;
  if (pos.length !== N) shapeError('rope', `pos must have B*T = ${N} entries, got ${pos.length}`, qkv.shape);
  const data = allocUninit(qkv.size);
  data.set(qkv.data);
  rotateQK(data, pos, N, C, heads, ctx);
  const out = result(data, qkv.shape, [qkv], () => {
    // The output's gradient is dead after this: rotate it back in place and hand it to the input.
    const g = out.grad!;
    rotateQK(g, pos, N, C, heads, ctx, true);
    if (!qkv.grad) {
      qkv.grad = g;
      out.grad = null;
    } else {
      const gx = qkv.grad;
      for (let i = 0; i < g.length; i++) gx[i] += g[i];
    }
  });
  return out;
}
