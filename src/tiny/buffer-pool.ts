// Recycles large Float32Arrays whose lifetime the engine knows exactly (intermediate gradients after the
// backward pass consumed them, attention probabilities after their backward, model-internal activations). Reusing them avoids
// fresh zeroed allocations and garbage-collector work on every training step.
//
// Buffers come in size classes (a length rounded up to an eighth of its power of two), and an array
// of length n is a view of the first n elements of a buffer of its class, or of a class up to an
// octave above when its own has none free. Batches whose sequence length changes from step to step
// (packed rows, RL completions) then still reuse the same buffers; with exact lengths every new length
// missed, and each step's fresh arrays made V8 run a full mark-compact about once per training step.

const free = new Map<number, ArrayBuffer[]>();
/** Buffers now in the free lists: a second release of the same buffer is ignored. */
const pooled = new WeakSet<ArrayBuffer>();
let pooledBytes = 0;
const MAX_POOLED_BYTES = 384 * 1024 * 1024;
const MIN_LENGTH = 16 * 1024;

let enabled = true;
/** Arrays handed out inside `scratchScope`, released when it ends. */
let scoped: Float32Array[] | null = null;
const stats = { hits: 0, misses: 0, freshBytes: 0 };

/** Requests of pooled size so far: served from the pool (hits) or freshly allocated (misses, bytes). */
export function poolStats(): { hits: number; misses: number; freshBytes: number } {
  return { ...stats };
}

/** Turn recycling off or on (tests compare both); returns the previous setting. */
export function setBufferPool(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  if (!on) {
    free.clear();
    pooledBytes = 0;
  }
  return prev;
}

/** The buffer length (in floats) that serves a request for n: n rounded up to 1/8 of its power of two. */
export function sizeClass(n: number): number {
  const step = 2 ** Math.max(0, Math.floor(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}

/** A zero-filled array of length n (recycled when one is available). */
export function allocZeroed(n: number): Float32Array {
  const a = take(n);
  if (a) a.fill(0);
  return a ?? fresh(n);
}

/** An array of length n whose contents are unspecified (the caller overwrites every element). */
export function allocUninit(n: number): Float32Array {
  return take(n) ?? fresh(n);
}

/** A new zeroed array; large ones sit on a buffer of their size class, so they can be recycled. */
function fresh(n: number): Float32Array {
  if (n < MIN_LENGTH) return new Float32Array(n);
  const length = enabled ? sizeClass(n) : n;
  stats.misses++;
  stats.freshBytes += length * 4;
  const a = new Float32Array(new ArrayBuffer(length * 4), 0, n);
  scoped?.push(a);
  return a;
}

/** Size classes above n's that may serve it: one octave, so a buffer is never more than twice the array. */
const REACH = 8;

function take(n: number): Float32Array | undefined {
  if (!enabled || n < MIN_LENGTH) return undefined;
  let buf: ArrayBuffer | undefined;
  for (let c = sizeClass(n), k = 0; !buf && k <= REACH; c = sizeClass(c + 1), k++) buf = free.get(c)?.pop();
  if (!buf) return undefined;
  stats.hits++;
  pooled.delete(buf);
  pooledBytes -= buf.byteLength;
  const a = new Float32Array(buf, 0, n);
  scoped?.push(a);
  return a;
}

/**
 * Run fn (synchronous), then hand back to the pool every array allocated while it ran. For code
 * whose arrays all die with it, such as a no-grad forward pass whose result fn reads out into
 * numbers: without a tape nothing says when its activations are dead, and left to the GC they cost
 * a full collection every few passes. Nothing fn allocates may be used after it returns.
 */
export function scratchScope<T>(fn: () => T): T {
  const outer = scoped;
  const mine: Float32Array[] = [];
  scoped = mine;
  try {
    return fn();
  } finally {
    scoped = outer;
    for (const a of mine) release(a);
  }
}

/**
 * Hand back an array nobody references any more. Small arrays, views that do not start their buffer,
 * and buffers that are not a size class within an octave of the array's length are left to the GC.
 */
export function release(a: Float32Array): void {
  if (!enabled || a.length < MIN_LENGTH || a.byteOffset !== 0) return;
  const buf = a.buffer;
  if (!(buf instanceof ArrayBuffer) || pooled.has(buf)) return;
  const cls = buf.byteLength / 4;
  if (sizeClass(cls) !== cls || cls >= 2 * a.length) return;
  if (pooledBytes + buf.byteLength > MAX_POOLED_BYTES) return;
  let list = free.get(cls);
  if (!list) free.set(cls, (list = []));
  list.push(buf);
  pooled.add(buf);
  pooledBytes += buf.byteLength;
}
