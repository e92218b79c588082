// The compute-kernel interface every tensor backend implements (plain TypeScript, or the native addon with
// OpenBLAS and fused C kernels). Kernels work in place on row-major Float32Arrays; gradient outputs
// accumulate (+=) so the autodiff tape can sum contributions from several uses of one tensor.

export interface Kernels {
  /** Backend name as shown to users, e.g. `js` or `native (OpenBLAS …)`. */
  readonly name: string;
  /** C[M,N] = alpha·op(A)·op(B) + beta·C, row-major; op(X) = Xᵀ when the flag is set. */
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Float32Array,
    lda: number,
    B: Float32Array,
    ldb: number,
    beta: number,
    C: Float32Array,
    ldc: number,
  ): void;
  /** out = a + b (same length). */
  add(a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** Copy row [N] into every row of out [rows, N] (bias broadcast before a gemm with beta = 1). */
  fillRows(out: Float32Array, row: Float32Array, rows: number, N: number): void;
  /** dst += src (same length). */
  accumulate(dst: Float32Array, src: Float32Array): void;
  /** out = (x-mean)/sqrt(var+eps)·g + b per row of C; saves mean and rstd per row. */
  layerNormFwd(
    x: Float32Array,
    g: Float32Array,
    b: Float32Array,
    out: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    rows: number,
    C: number,
    eps: number,
  ): void;
  /** dx += …, dg += …, db += … (any of them may be null when not needed). */
  layerNormBwd(
    x: Float32Array,
    g: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dout: Float32Array,
    dx: Float32Array | null,
    dg: Float32Array | null,
    db: Float32Array | null,
    rows: number,
    C: number,
  ): void;
  /** out = gelu_tanh(x) */
  geluFwd(x: Float32Array, out: Float32Array): void;
  /** dx += gelu_tanh'(x)·dout */
  geluBwd(x: Float32Array, dout: Float32Array, dx: Float32Array): void;
  /**
   * Causal multi-head attention reading the fused projection qkv [B,T,3C] (q | k | v, heads contiguous
   * inside each), writing out [B,T,C] and the softmax probabilities probs [B,H,T,T] (upper triangle zero).
   * start [B*T], when given, is the first key each query sees (0 ≤ start ≤ its position): packed rows
   * keep examples apart with it, and probabilities left of it are zero.
   */
  attnFwd(
    qkv: Float32Array,
    out: Float32Array,
    probs: Float32Array,
    B: number,
    T: number,
    H: number,
    hd: number,
    start?: Int32Array | null,
  ): void;
  /** dqkv += gradient of attnFwd given dout [B,T,C] (keys left of a query's start get none). */
  attnBwd(
    qkv: Float32Array,
    probs: Float32Array,
    dout: Float32Array,
    dqkv: Float32Array,
    B: number,
    T: number,
    H: number,
    hd: number,
  ): void;
  /**
   * Attention for tokens appended to a KV cache (sampling, scoring). Token i has its fused projection at
   * qkv[i, :] ([N, 3C]); its key/value were already written to kc/vc [slots, H, ctx, hd] at
   * (slot[i], pos[i]); it attends over positions 0..pos[i] of its slot. Writes out [N, C].
   */
  attnCached(
    qkv: Float32Array,
    kc: Float32Array,
    vc: Float32Array,
    slot: Int32Array,
    pos: Int32Array,
    out: Float32Array,
    N: number,
    H: number,
    hd: number,
    ctx: number,
  ): void;
  /**
   * Row-wise log-softmax statistics for cross-entropy: for each row r of logits [rows,V] writes
   * lse[r] = log Σ exp(logits[r,:]). Used by the loss, log-prob and entropy ops.
   */
  logSumExp(logits: Float32Array, lse: Float32Array, rows: number, V: number): void;
  /**
   * dlogits[r,:] += scale[r]·(softmax(logits[r,:]) − onehot(target[r])), given lse from logSumExp.
   * Rows with scale 0 are skipped; a negative target means no one-hot term.
   */
  xentBwd(
    logits: Float32Array,
    lse: Float32Array,
    targets: Int32Array,
    scale: Float32Array,
    dlogits: Float32Array,
    rows: number,
    V: number,
  ): void;
  /** One AdamW update of a parameter tensor (decoupled decay: p -= lr·wd·p, then the Adam step). */
  adamw(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bias1: number,
    bias2: number,
  ): void;
}
