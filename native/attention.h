// Fused causal attention kernels (included by qed_tiny.c). Work is split over (batch, head) pairs across
// the pool with OpenBLAS at one thread inside, so each pair runs its small sgemms on one core. Row blocks
// of BS queries only touch the keys they can see (causal), roughly halving the matmul work. With a start
// array (packed rows), keys before a query's start get probability 0, so the backward pass, which works
// from the probabilities, needs no mask of its own.
#define BS 64

typedef struct {
  const float *qkv, *dout;
  float *out, *probs, *dqkv;
  /* Optional [B*T]: the first key each query may see (packed rows: where its example starts). */
  const int *start;
  int B, T, H, hd;
} AttnCtx;

static void attn_fwd_range(void *p, long i0, long i1, int tid) {
  AttnCtx *c = p;
  int T = c->T, H = c->H, hd = c->hd, C = H * hd, C3 = 3 * C;
  float scale = 1.0f / sqrtf((float)hd);
  for (long bh = i0; bh < i1; bh++) {
    int b = (int)(bh / H), h = (int)(bh % H);
    const float *Q = c->qkv + (long)b * T * C3 + h * hd, *K = Q + C, *V = Q + 2 * C;
    float *P = c->probs + bh * T * T;
    float *O = c->out + (long)b * T * C + h * hd;
    for (int r0 = 0; r0 < T; r0 += BS) {
      int bs = T - r0 < BS ? T - r0 : BS, w = r0 + bs;
      sgemm_st(0, 1, bs, w, hd, scale, Q + (long)r0 * C3, C3, K, C3, 0.f,
                  P + (long)r0 * T, T, tid);
      for (int t = r0; t < r0 + bs; t++) {
        int s0 = c->start ? c->start[(long)b * T + t] : 0;
        float *row = P + (long)t * T, max = row[s0], sum = 0;
        for (int s = 0; s < s0; s++) row[s] = 0;
        for (int s = s0 + 1; s <= t; s++) max = row[s] > max ? row[s] : max;
        for (int s = s0; s <= t; s++) {
          row[s] = expf(row[s] - max);
          sum += row[s];
        }
        float inv = 1.f / sum;
        for (int s = s0; s <= t; s++) row[s] *= inv;
        for (int s = t + 1; s < T; s++) row[s] = 0;
      }
      sgemm_st(0, 0, bs, hd, w, 1.f, P + (long)r0 * T, T, V, C3, 0.f,
                  O + (long)r0 * C, C, tid);
    }
  }
}

static void attn_bwd_range(void *p, long i0, long i1, int tid) {
  AttnCtx *c = p;
  int T = c->T, H = c->H, hd = c->hd, C = H * hd, C3 = 3 * C;
  float scale = 1.0f / sqrtf((float)hd);
  float *dS = malloc(sizeof(float) * (size_t)T * T);
  for (long bh = i0; bh < i1; bh++) {
    int b = (int)(bh / H), h = (int)(bh % H);
    long qoff = (long)b * T * C3 + h * hd;
    const float *Q = c->qkv + qoff, *K = Q + C, *V = Q + 2 * C;
    float *dQ = c->dqkv + qoff, *dK = dQ + C, *dV = dQ + 2 * C;
    const float *P = c->probs + bh * T * T;
    const float *dO = c->dout + (long)b * T * C + h * hd;
    /* dV += Pᵀ·dO, by key blocks: keys s only receive from queries t >= s. */
    for (int s0 = 0; s0 < T; s0 += BS) {
      int bs = T - s0 < BS ? T - s0 : BS;
      sgemm_st(1, 0, bs, hd, T - s0, 1.f, P + (long)s0 * T + s0, T,
                  dO + (long)s0 * C, C, 1.f, dV + (long)s0 * C3, C3, tid);
    }
    /* dP = dO·Vᵀ (visible part), then dS = P ⊙ (dP − Σ P·dP) · scale. */
    for (int r0 = 0; r0 < T; r0 += BS) {
      int bs = T - r0 < BS ? T - r0 : BS, w = r0 + bs;
      sgemm_st(0, 1, bs, w, hd, 1.f, dO + (long)r0 * C, C, V, C3, 0.f,
                  dS + (long)r0 * T, T, tid);
      for (int t = r0; t < r0 + bs; t++) {
        float *row = dS + (long)t * T;
        const float *pr = P + (long)t * T;
        float dot = 0;
        for (int s = 0; s <= t; s++) dot += row[s] * pr[s];
        for (int s = 0; s <= t; s++) row[s] = pr[s] * (row[s] - dot) * scale;
        for (int s = t + 1; s < T; s++) row[s] = 0;
      }
      /* dQ[rows] += dS[rows, 0:w]·K[0:w] */
      sgemm_st(0, 0, bs, hd, w, 1.f, dS + (long)r0 * T, T, K, C3, 1.f,
                  dQ + (long)r0 * C3, C3, tid);
    }
    /* dK += dSᵀ·Q by key blocks. */
    for (int s0 = 0; s0 < T; s0 += BS) {
      int bs = T - s0 < BS ? T - s0 : BS;
      sgemm_st(1, 0, bs, hd, T - s0, 1.f, dS + (long)s0 * T + s0, T,
                  Q + (long)s0 * C3, C3, 1.f, dK + (long)s0 * C3, C3, tid);
    }
  }
  free(dS);
}

/* OpenBLAS runs single-threaded inside pool workers; restore its thread count afterwards. */
static void run_attention(range_fn fn, AttnCtx *c) {
  long pairs = (long)c->B * c->H;
  if (g_threads > 1 && pairs >= g_threads) {
    openblas_set_num_threads(1);
    parallel_for(fn, c, pairs, 1);
    openblas_set_num_threads(g_blas_threads);
  } else {
    fn(c, 0, pairs, 0);
  }
}

static napi_value k_attn_fwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  AttnCtx c = {0};
  c.qkv = arr(&a, 0);
  c.out = arr(&a, 1);
  c.probs = arr(&a, 2);
  c.B = (int)num(&a, 3);
  c.T = (int)num(&a, 4);
  c.H = (int)num(&a, 5);
  c.hd = (int)num(&a, 6);
  c.start = arr(&a, 7);
  if (!a.bad && c.start && len(&a, 7) != (size_t)c.B * c.T) a.bad = 1;
  if (!a.bad) run_attention(attn_fwd_range, &c);
  return done(&a);
}

static napi_value k_attn_bwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  AttnCtx c = {0};
  c.qkv = arr(&a, 0);
  c.probs = arr(&a, 1);
  c.dout = arr(&a, 2);
  c.dqkv = arr(&a, 3);
  c.B = (int)num(&a, 4);
  c.T = (int)num(&a, 5);
  c.H = (int)num(&a, 6);
  c.hd = (int)num(&a, 7);
  if (!a.bad) run_attention(attn_bwd_range, &c);
  return done(&a);
}

/* ---------- attention over a KV cache (sampling / scoring) ---------- */

typedef struct {
  const float *qkv, *kc, *vc;
  const int *slot, *pos;
  float *out;
  int H, hd, ctx;
} CachedCtx;

static void attn_cached_range(void *p, long i0, long i1, int tid) {
  (void)tid;
  CachedCtx *c = p;
  int H = c->H, hd = c->hd, C = H * hd;
  float scale = 1.0f / sqrtf((float)hd);
  float *sc = malloc(sizeof(float) * (size_t)c->ctx);
  for (long ih = i0; ih < i1; ih++) {
    long i = ih / H;
    int h = (int)(ih % H), P = c->pos[i];
    const float *q = c->qkv + i * 3 * C + h * hd;
    const float *kb = c->kc + ((long)c->slot[i] * H + h) * c->ctx * hd;
    const float *vb = c->vc + ((long)c->slot[i] * H + h) * c->ctx * hd;
    float max = 0;
    for (int s = 0; s <= P; s++) {
      float dot = 0;
      for (int d = 0; d < hd; d++) dot += q[d] * kb[(long)s * hd + d];
      sc[s] = dot * scale;
      if (s == 0 || sc[s] > max) max = sc[s];
    }
    float sum = 0;
    for (int s = 0; s <= P; s++) {
      sc[s] = expf(sc[s] - max);
      sum += sc[s];
    }
    float *o = c->out + i * C + h * hd;
    for (int d = 0; d < hd; d++) o[d] = 0;
    float inv = 1.f / sum;
    for (int s = 0; s <= P; s++) {
      float w = sc[s] * inv;
      for (int d = 0; d < hd; d++) o[d] += w * vb[(long)s * hd + d];
    }
  }
  free(sc);
}

static napi_value k_attn_cached(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  CachedCtx c = {0};
  c.qkv = arr(&a, 0);
  c.kc = arr(&a, 1);
  c.vc = arr(&a, 2);
  c.slot = arr(&a, 3);
  c.pos = arr(&a, 4);
  c.out = arr(&a, 5);
  long N = (long)num(&a, 6);
  c.H = (int)num(&a, 7);
  c.hd = (int)num(&a, 8);
  c.ctx = (int)num(&a, 9);
  /* Split only when the work (about Σ pos·C multiply-adds) outweighs waking a worker. */
  long work = 0;
  if (!a.bad)
    for (long i = 0; i < N; i++) work += (long)(c.pos[i] + 1) * c.H * c.hd;
  if (!a.bad) parallel_for(attn_cached_range, &c, N * c.H, work > (1 << 18) ? 1 : N * c.H);
  return done(&a);
}
