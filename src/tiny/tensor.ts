// Tensor with reverse-mode autodiff: a row-major Float32Array plus shape, an optional gradient, and the
// closure that pushes its gradient to its parents. Ops (ops-*.ts) build the tape; `backward()` walks it.
// `noGrad(fn)` runs code without recording (sampling, scoring).

import { allocZeroed, release } from './buffer-pool.ts';

export type Shape = readonly number[];

let gradEnabled = true;

/** Run fn without building an autodiff tape. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Throw a shape error naming the op and the shapes involved. */
export function shapeError(op: string, msg: string, ...shapes: Shape[]): never {
  throw new Error(`${op}: ${msg} (shapes ${shapes.map(fmtShape).join(', ')})`);
}

export class Tensor {
  readonly data: Float32Array;
  readonly shape: Shape;
  grad: Float32Array | null = null;
  requiresGrad: boolean;
  /** Inputs on the tape and the function that adds this tensor's grad into theirs. */
  parents: Tensor[] = [];
  backwardFn: (() => void) | null = null;
  /** Optional label (parameter name) for errors and checkpoints. */
  name?: string;
  /**
   * Set by model code for intermediates nobody outside can reach: once backward has run this node's
   * closure, no other closure reads its data, so the buffer goes back to the pool.
   */
  scratch = false;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`Tensor: bad dimension ${d} in ${fmtShape(shape)}`);
    }
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: data length ${data.length} does not match shape ${fmtShape(shape)}`);
    }
    this.data = data;
    this.shape = [...shape];
    this.requiresGrad = requiresGrad;
  }

  static zeros(shape: Shape, requiresGrad = false): Tensor {
    return new Tensor(new Float32Array(sizeOf(shape)), shape, requiresGrad);
  }

  static from(values: ArrayLike<number>, shape?: Shape, requiresGrad = false): Tensor {
    return new Tensor(Float32Array.from(values), shape ?? [values.length], requiresGrad);
  }

  static scalar(v: number): Tensor {
    return new Tensor(Float32Array.of(v), []);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor has ${this.size} elements ${fmtShape(this.shape)}`);
    return this.data[0];
  }

  /** Gradient buffer, allocated (zeroed) on first use. */
  gradBuf(): Float32Array {
    if (!this.grad) this.grad = allocZeroed(this.size);
    return this.grad;
  }

  /** Drops the gradient; its buffer goes back to the pool (nothing may hold it past this call). */
  zeroGrad(): void {
    if (this.grad) release(this.grad);
    this.grad = null;
  }

  /** A tensor sharing no tape with this one (same data buffer). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /**
   * Backpropagate from this tensor. A scalar is seeded with 1; otherwise pass the seed gradient.
   * Intermediate gradients are released after use; leaf gradients (parameters) accumulate.
   */
  backward(seed?: Float32Array): void {
    if (!seed && this.size !== 1) {
      throw new Error(`backward: needs a seed gradient for non-scalar ${fmtShape(this.shape)}`);
    }
    if (seed && seed.length !== this.size) throw new Error('backward: seed size does not match tensor');
    const order: Tensor[] = [];
    const seen = new Set<Tensor>();
    const stack: Array<[Tensor, number]> = [[this, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      if (i === 0) {
        if (seen.has(t)) {
          stack.pop();
          continue;
        }
        seen.add(t);
      }
      if (i < t.parents.length) {
        top[1]++;
        const p = t.parents[i];
        if (p.requiresGrad && !seen.has(p)) stack.push([p, 0]);
      } else {
        stack.pop();
        order.push(t);
      }
    }
    const g = this.gradBuf();
    if (seed) for (let i = 0; i < g.length; i++) g[i] += seed[i];
    else g[0] += 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      if (t.backwardFn && t.grad) {
        t.backwardFn();
        // An op may hand its gradient buffer to an input (and then clears t.grad); otherwise it is dead.
        if (t.grad) release(t.grad);
        if (t.scratch) release(t.data);
        t.grad = null;
        t.backwardFn = null;
        t.parents = [];
      }
    }
  }
}

/**
 * Marks an intermediate nobody outside its computation can reach (see Tensor.scratch): backward hands
 * its buffer back to the pool once used. Parameters (named) and tensors off the tape are left alone.
 */
export function asScratch<T extends Tensor>(t: T): T {
  t.scratch = t.requiresGrad && !t.name;
  return t;
}

/**
 * Create an op result. When grad mode is on and some input needs a gradient, the result records its
 * parents and backward closure; otherwise it is a plain constant.
 */
export function result(data: Float32Array, shape: Shape, parents: Tensor[], backward: () => void): Tensor {
  const out = new Tensor(data, shape);
  if (gradEnabled && parents.some((p) => p.requiresGrad)) {
    out.requiresGrad = true;
    out.parents = parents;
    out.backwardFn = backward;
  }
  return out;
}
