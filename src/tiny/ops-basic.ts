// Differentiable elementwise, reduction and shape ops (numpy-style broadcasting for binary ops).
// Each op checks shapes, computes its result, and records how to add its gradient into its inputs.
// These are the small ops GRPO-style losses are built from; the GPT's heavy ops live in ops-nn.ts.
import { kernels } from './backend.ts';
import { allocUninit } from './buffer-pool.ts';
import { Tensor, result, shapeError, sizeOf, type Shape } from './tensor.ts';

type Operand = Tensor | number;

function asTensor(x: Operand): Tensor {
  return typeof x === 'number' ? Tensor.scalar(x) : x;
}

/** Broadcast shapes numpy-style, or throw naming the op. */
export function broadcastShape(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) shapeError(op, 'shapes do not broadcast', a, b);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each element of `out`, the flat index into a tensor of shape `s` broadcast to `out`. */
function broadcastIndex(s: Shape, out: Shape): Int32Array | null {
  if (s.length === out.length && s.every((d, i) => d === out[i])) return null;
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const strides: number[] = new Array(out.length).fill(0);
  let st = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    const oi = out.length - s.length + i;
    strides[oi] = s[i] === 1 ? 0 : st;
    st *= s[i];
  }
  const pos = new Array(out.length).fill(0);
  let flat = 0;
  for (let e = 0; e < n; e++) {
    idx[e] = flat;
    for (let d = out.length - 1; d >= 0; d--) {
      pos[d]++;
      flat += strides[d];
      if (pos[d] < out[d]) break;
      flat -= strides[d] * pos[d];
      pos[d] = 0;
    }
  }
  return idx;
}

/**
 * Generic broadcasting binary op: f computes the value, da/db the partial derivatives given (a, b, out).
 */
function binary(
  op: string,
  x: Operand,
  y: Operand,
  f: (a: number, b: number) => number,
  da: (a: number, b: number, o: number) => number,
  db: (a: number, b: number, o: number) => number,
): Tensor {
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = broadcastShape(op, a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const n = sizeOf(shape);
  const data = new Float32Array(n);
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < n; i++) data[i] = f(ad[ia ? ia[i] : i], bd[ib ? ib[i] : i]);
  const out = result(data, shape, [a, b], () => {
    const g = out.grad!;
    if (a.requiresGrad) {
      const ga = a.gradBuf();
      for (let i = 0; i < n; i++) {
        const j = ia ? ia[i] : i;
        ga[j] += g[i] * da(ad[j], bd[ib ? ib[i] : i], data[i]);
      }
    }
    if (b.requiresGrad) {
      const gb = b.gradBuf();
      for (let i = 0; i < n; i++) {
        const j = ib ? ib[i] : i;
        gb[j] += g[i] * db(ad[ia ? ia[i] : i], bd[j], data[i]);
      }
    }
  });
  return out;
}

export const add = (a: Operand, b: Operand): Tensor =>
  sameShape(a, b)
    ? addSame(a as Tensor, b as Tensor)
    : binary(
        'add',
        a,
        b,
        (x, y) => x + y,
        () => 1,
        () => 1,
      );
export const sub = (a: Operand, b: Operand): Tensor =>
  binary(
    'sub',
    a,
    b,
    (x, y) => x - y,
    () => 1,
    () => -1,
  );
export const mul = (a: Operand, b: Operand): Tensor =>
  binary(
    'mul',
    a,
    b,
    (x, y) => x * y,
    (_x, y) => y,
    (x) => x,
  );
export const div = (a: Operand, b: Operand): Tensor =>
  binary(
    'div',
    a,
    b,
    (x, y) => x / y,
    (_x, y) => 1 / y,
    (x, y) => -x / (y * y),
  );
function sameShape(a: Operand, b: Operand): boolean {
  return (
    typeof a !== 'number' &&
    typeof b !== 'number' &&
    a.rank === b.rank &&
    a.shape.every((d, i) => d === b.shape[i])
  );
}

/** Fast path for the residual stream: same-shape add, gradient handed to the first input without a copy. */
function addSame(a: Tensor, b: Tensor): Tensor {
  const k = kernels();
  const data = allocUninit(a.size);
  k.add(a.data, b.data, data);
  const out = result(data, a.shape, [a, b], () => {
    const g = out.grad!;
    if (b.requiresGrad) k.accumulate(b.gradBuf(), g);
    if (a.requiresGrad) {
      if (a.grad) {
        k.accumulate(a.grad, g);
      } else if (a.backwardFn) {
        a.grad = g; // hand the buffer over: out no longer owns it
        out.grad = null;
      } else {
        a.grad = g.slice();
      }
    }
  });
  return out;
}

/** Elementwise minimum; the gradient goes to the smaller input (to `a` on ties). */
export const minimum = (a: Operand, b: Operand): Tensor =>
  binary(
    'minimum',
    a,
    b,
    (x, y) => (x <= y ? x : y),
    (x, y) => (x <= y ? 1 : 0),
    (x, y) => (x <= y ? 0 : 1),
  );
/** Elementwise maximum; the gradient goes to the larger input (to `a` on ties). */
export const maximum = (a: Operand, b: Operand): Tensor =>
  binary(
    'maximum',
    a,
    b,
    (x, y) => (x >= y ? x : y),
    (x, y) => (x >= y ? 1 : 0),
    (x, y) => (x >= y ? 0 : 1),
  );

function unary(x: Tensor, f: (v: number) => number, df: (v: number, o: number) => number): Tensor {
  const n = x.size;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = f(x.data[i]);
  const out = result(data, x.shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let i = 0; i < n; i++) gx[i] += g[i] * df(x.data[i], data[i]);
  });
  return out;
}

export const neg = (x: Tensor): Tensor =>
  unary(
    x,
    (v) => -v,
    () => -1,
  );
export const exp = (x: Tensor): Tensor => unary(x, Math.exp, (_v, o) => o);
export const log = (x: Tensor): Tensor => unary(x, Math.log, (v) => 1 / v);
/** Clamp to [lo, hi]; the gradient is zero where the value was clipped (like torch.clamp). */
export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`clamp: lo ${lo} must be <= hi ${hi}`);
  return unary(
    x,
    (v) => (v < lo ? lo : v > hi ? hi : v),
    (v) => (v < lo || v > hi ? 0 : 1),
  );
}

/** Elementwise select: cond (any tensor, nonzero = true) picks a, else b. All three shapes must match. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  if (
    cond.size !== a.size ||
    a.size !== b.size ||
    cond.rank !== a.rank ||
    a.shape.some((d, i) => d !== b.shape[i] || d !== cond.shape[i])
  ) {
    shapeError('where', 'cond, a and b must have the same shape', cond.shape, a.shape, b.shape);
  }
  const n = a.size;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = cond.data[i] !== 0 ? a.data[i] : b.data[i];
  const out = result(data, a.shape, [a, b], () => {
    const g = out.grad!;
    if (a.requiresGrad) {
      const ga = a.gradBuf();
      for (let i = 0; i < n; i++) if (cond.data[i] !== 0) ga[i] += g[i];
    }
    if (b.requiresGrad) {
      const gb = b.gradBuf();
      for (let i = 0; i < n; i++) if (cond.data[i] === 0) gb[i] += g[i];
    }
  });
  return out;
}

function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Sum over all elements (axis undefined → scalar) or over one axis (removed from the shape). */
export function sum(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) {
    let s = 0;
    for (let i = 0; i < x.size; i++) s += x.data[i];
    const out = result(Float32Array.of(s), [], [x], () => {
      const g = out.grad![0];
      const gx = x.gradBuf();
      for (let i = 0; i < x.size; i++) gx[i] += g;
    });
    return out;
  }
  const ax = normAxis('sum', axis, x.rank);
  const outer = sizeOf(x.shape.slice(0, ax));
  const n = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const data = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const src = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) data[o * inner + i] += x.data[src + i];
    }
  }
  const shape = x.shape.filter((_d, i) => i !== ax);
  const out = result(data, shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const dst = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) gx[dst + i] += g[o * inner + i];
      }
    }
  });
  return out;
}

/** Mean over all elements or over one axis. */
export function mean(x: Tensor, axis?: number): Tensor {
  const n = axis === undefined ? x.size : x.shape[normAxis('mean', axis, x.rank)];
  if (n === 0) throw new Error('mean: empty tensor');
  return mul(sum(x, axis), 1 / n);
}

/** Same data, new shape (one dimension may be -1). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const dims = [...shape];
  const unknown = dims.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(dims.filter((_d, i) => i !== unknown));
    dims[unknown] = known === 0 ? 0 : x.size / known;
  }
  if (sizeOf(dims) !== x.size || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    shapeError('reshape', `cannot reshape ${x.size} elements`, x.shape, shape);
  }
  const out = result(x.data, dims, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let i = 0; i < g.length; i++) gx[i] += g[i];
  });
  return out;
}

/** Swap two axes (a copy). */
export function transpose(x: Tensor, axis0: number, axis1: number): Tensor {
  const a = normAxis('transpose', axis0, x.rank);
  const b = normAxis('transpose', axis1, x.rank);
  const shape = [...x.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  const perm = x.shape.map((_d, i) => (i === a ? b : i === b ? a : i));
  const idx = permuteIndex(x.shape, perm);
  const data = new Float32Array(x.size);
  for (let i = 0; i < idx.length; i++) data[i] = x.data[idx[i]];
  const out = result(data, shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let i = 0; i < idx.length; i++) gx[idx[i]] += g[i];
  });
  return out;
}

/** For output element i of x permuted by perm, the source flat index. */
function permuteIndex(shape: Shape, perm: number[]): Int32Array {
  const strides: number[] = [];
  let st = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = st;
    st *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const outStrides = perm.map((p) => strides[p]);
  return broadcastLikeWalk(outShape, outStrides);
}

function broadcastLikeWalk(shape: number[], strides: number[]): Int32Array {
  const n = sizeOf(shape);
  const idx = new Int32Array(n);
  const pos = new Array(shape.length).fill(0);
  let flat = 0;
  for (let e = 0; e < n; e++) {
    idx[e] = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      pos[d]++;
      flat += strides[d];
      if (pos[d] < shape[d]) break;
      flat -= strides[d] * pos[d];
      pos[d] = 0;
    }
  }
  return idx;
}

/** x[..., start:end, ...] along one axis (a copy). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis('slice', axis, x.rank);
  const n = x.shape[ax];
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
    shapeError('slice', `range ${start}:${end} out of bounds for axis ${ax} of size ${n}`, x.shape);
  }
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const len = end - start;
  const data = new Float32Array(outer * len * inner);
  for (let o = 0; o < outer; o++) {
    data.set(x.data.subarray((o * n + start) * inner, (o * n + end) * inner), o * len * inner);
  }
  const shape = [...x.shape];
  shape[ax] = len;
  const out = result(data, shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let o = 0; o < outer; o++) {
      const dst = (o * n + start) * inner;
      const src = o * len * inner;
      for (let i = 0; i < len * inner; i++) gx[dst + i] += g[src + i];
    }
  });
  return out;
}

/** Concatenate along one axis; all other dimensions must match. */
export function concat(xs: Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('concat: no tensors');
  const ax = normAxis('concat', axis, xs[0].rank);
  for (const x of xs) {
    if (x.rank !== xs[0].rank || x.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      shapeError('concat', `shapes differ outside axis ${ax}`, ...xs.map((t) => t.shape));
    }
  }
  const outer = sizeOf(xs[0].shape.slice(0, ax));
  const inner = sizeOf(xs[0].shape.slice(ax + 1));
  const total = xs.reduce((s, x) => s + x.shape[ax], 0);
  const data = new Float32Array(outer * total * inner);
  let off = 0;
  const offs: number[] = [];
  for (const x of xs) {
    offs.push(off);
    const w = x.shape[ax] * inner;
    for (let o = 0; o < outer; o++) data.set(x.data.subarray(o * w, (o + 1) * w), (o * total + off) * inner);
    off += x.shape[ax];
  }
  const shape = [...xs[0].shape];
  shape[ax] = total;
  const out = result(data, shape, xs, () => {
    const g = out.grad!;
    xs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const gx = x.gradBuf();
      const w = x.shape[ax] * inner;
      for (let o = 0; o < outer; o++) {
        const src = (o * total + offs[k]) * inner;
        for (let i = 0; i < w; i++) gx[o * w + i] += g[src + i];
      }
    });
  });
  return out;
}
