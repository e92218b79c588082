// Row-wise log-sum-exp, the softmax cross-entropy gradient and the AdamW update (included by qed_tiny.c).
// Rows / elements are split over the pool in fixed chunks, so results never depend on thread timing.

typedef struct {
  const float *logits, *lse_in, *scale;
  const int *targets;
  float *lse, *dlogits;
  int V;
} XentCtx;

static void lse_range(void *p, long r0, long r1, int tid) {
  (void)tid;
  XentCtx *c = p;
  int V = c->V;
  for (long r = r0; r < r1; r++) {
    const float *x = c->logits + r * V;
    float max = x[0], sum = 0;
    for (int j = 1; j < V; j++) max = x[j] > max ? x[j] : max;
    for (int j = 0; j < V; j++) sum += expf(x[j] - max);
    c->lse[r] = max + logf(sum);
  }
}

static napi_value k_lse(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  XentCtx c = {0};
  c.logits = arr(&a, 0);
  c.lse = arr(&a, 1);
  long rows = (long)num(&a, 2);
  c.V = (int)num(&a, 3);
  if (!a.bad) parallel_for(lse_range, &c, rows, 32);
  return done(&a);
}

static void xent_range(void *p, long r0, long r1, int tid) {
  (void)tid;
  XentCtx *c = p;
  int V = c->V;
  for (long r = r0; r < r1; r++) {
    float s = c->scale[r];
    if (s == 0) continue;
    const float *x = c->logits + r * V;
    float *d = c->dlogits + r * V, l = c->lse_in[r];
    for (int j = 0; j < V; j++) d[j] += s * expf(x[j] - l);
    if (c->targets[r] >= 0) d[c->targets[r]] -= s;
  }
}

static napi_value k_xent_bwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  XentCtx c = {0};
  c.logits = arr(&a, 0);
  c.lse_in = arr(&a, 1);
  c.targets = arr(&a, 2);
  c.scale = arr(&a, 3);
  c.dlogits = arr(&a, 4);
  long rows = (long)num(&a, 5);
  c.V = (int)num(&a, 6);
  if (!a.bad) parallel_for(xent_range, &c, rows, 32);
  return done(&a);
}

typedef struct {
  float *p, *m, *v;
  const float *g;
  double lr, b1, b2, eps, wd, bias1, bias2;
} AdamCtx;

/* In double, like the TypeScript kernel. In float, -ffast-math computes sqrtf(v) from an approximate
 * reciprocal square root, which treats a subnormal v (a gradient near 1e-22) as zero and returns
 * NaN; vector double square roots are exact. The update is memory bound, so the cost is nil. */
static void adamw_range(void *q, long i0, long i1, int tid) {
  (void)tid;
  AdamCtx *c = q;
  double decay = 1.0 - c->lr * c->wd, step = c->lr / c->bias1, b2s = sqrt(c->bias2);
  for (long i = i0; i < i1; i++) {
    double g = c->g[i];
    float m = (float)(c->b1 * c->m[i] + (1.0 - c->b1) * g);
    float v = (float)(c->b2 * c->v[i] + (1.0 - c->b2) * g * g);
    c->m[i] = m;
    c->v[i] = v;
    c->p[i] = (float)(c->p[i] * decay - step * m / (sqrt((double)v) / b2s + c->eps));
  }
}

static napi_value k_adamw(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  AdamCtx c = {0};
  c.p = arr(&a, 0);
  c.g = arr(&a, 1);
  c.m = arr(&a, 2);
  c.v = arr(&a, 3);
  c.lr = num(&a, 4);
  c.b1 = num(&a, 5);
  c.b2 = num(&a, 6);
  c.eps = num(&a, 7);
  c.wd = num(&a, 8);
  c.bias1 = num(&a, 9);
  c.bias2 = num(&a, 10);
  size_t n = len(&a, 0);
  if (!a.bad) parallel_for(adamw_range, &c, (long)n, 65536);
  return done(&a);
}

/* ---------- elementwise add / accumulate (memory bound: one thread, vectorised) ---------- */

static napi_value k_add(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  const float *x = arr(&a, 0), *y = arr(&a, 1);
  float *out = arr(&a, 2);
  size_t n = len(&a, 2);
  if (!a.bad)
    for (size_t i = 0; i < n; i++) out[i] = x[i] + y[i];
  return done(&a);
}

static napi_value k_accumulate(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  float *dst = arr(&a, 0);
  const float *src = arr(&a, 1);
  size_t n = len(&a, 0);
  if (!a.bad)
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
  return done(&a);
}

static napi_value k_fill_rows(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  float *out = arr(&a, 0);
  const float *row = arr(&a, 1);
  long rows = (long)num(&a, 2), N = (long)num(&a, 3);
  if (!a.bad)
    for (long r = 0; r < rows; r++) memcpy(out + r * N, row, sizeof(float) * N);
  return done(&a);
}
