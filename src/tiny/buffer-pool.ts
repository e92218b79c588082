// Recycles large Float32Arrays whose lifetime the engine knows exactly (intermediate gradients after the
// backward pass consumed them, attention probabilities after their backward, model-internal activations). Reusing them avoids
// fresh zeroed allocations and garbage-collector work on every training step.

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
const MAX_POOLED_BYTES = 384 * 1024 * 1024;
const MIN_LENGTH = 16 * 1024;

let enabled = true;

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

/** A zero-filled array of length n (recycled when one is available). */
export function allocZeroed(n: number): Float32Array {
  const a = take(n);
  if (a) a.fill(0);
  return a ?? new Float32Array(n);
}

/** An array of length n whose contents are unspecified (the caller overwrites every element). */
export function allocUninit(n: number): Float32Array {
  return take(n) ?? new Float32Array(n);
}

function take(n: number): Float32Array | undefined {
  const a = free.get(n)?.pop();
  if (a) pooledBytes -= a.byteLength;
  return a;
}

/** Hand back an array nobody references any more. Small arrays and views are left to the GC. */
export function release(a: Float32Array): void {
  if (!enabled || a.length < MIN_LENGTH || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
  let list = free.get(a.length);
  if (!list) free.set(a.length, (list = []));
  list.push(a);
  pooledBytes += a.byteLength;
}
