// Native kernels for the tiny engine (N-API, C): OpenBLAS sgemm plus fused layernorm, GELU, causal
// attention, log-sum-exp / cross-entropy gradient and AdamW loops, split over a small pthread pool.
// JS passes Float32Array/Int32Array views and sizes; semantics mirror src/tiny/kernels-js.ts exactly.
#define NAPI_VERSION 8
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- thread pool (workers sleep on a condition variable: no spinning against OpenBLAS) ---------- */

typedef void (*range_fn)(void *ctx, long start, long end, int tid);
#define MAXT 16
static int g_threads = 1;
static int g_blas_threads = 1;
static pthread_t g_workers[MAXT];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_start = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_done = PTHREAD_COND_INITIALIZER;
static range_fn g_fn;
static void *g_ctx;
static long g_n;
static int g_nt, g_gen, g_pending;

static void *worker_main(void *arg) {
  int idx = (int)(long)arg;
  int seen = 0;
  for (;;) {
    pthread_mutex_lock(&g_mu);
    while (g_gen == seen) pthread_cond_wait(&g_start, &g_mu);
    seen = g_gen;
    range_fn fn = g_fn;
    void *ctx = g_ctx;
    long n = g_n;
    int nt = g_nt;
    pthread_mutex_unlock(&g_mu);
    if (idx < nt) {
      fn(ctx, n * idx / nt, n * (idx + 1) / nt, idx);
      pthread_mutex_lock(&g_mu);
      if (--g_pending == 0) pthread_cond_signal(&g_done);
      pthread_mutex_unlock(&g_mu);
    }
  }
  return NULL;
}

/* Run fn over [0, n) in g_threads contiguous chunks (fixed split: results do not depend on timing). */
static void parallel_for(range_fn fn, void *ctx, long n, long min_chunk) {
  int nt = g_threads;
  if (n < min_chunk * 2 || nt <= 1) {
    fn(ctx, 0, n, 0);
    return;
  }
  if (n / min_chunk < nt) nt = (int)(n / min_chunk);
  pthread_mutex_lock(&g_mu);
  g_fn = fn;
  g_ctx = ctx;
  g_n = n;
  g_nt = nt;
  g_pending = nt - 1;
  g_gen++;
  pthread_cond_broadcast(&g_start);
  pthread_mutex_unlock(&g_mu);
  fn(ctx, 0, n / nt, 0);
  pthread_mutex_lock(&g_mu);
  while (g_pending > 0) pthread_cond_wait(&g_done, &g_mu);
  pthread_mutex_unlock(&g_mu);
}

/* ---------- N-API argument helpers ---------- */

#define MAXARGS 16
typedef struct {
  napi_env env;
  napi_value argv[MAXARGS];
  size_t argc;
  int bad;
} Args;

static void get_args(napi_env env, napi_callback_info info, Args *a) {
  a->env = env;
  a->argc = MAXARGS;
  a->bad = 0;
  napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL);
}

static void *arr(Args *a, size_t i) {
  napi_valuetype t;
  if (i >= a->argc || napi_typeof(a->env, a->argv[i], &t) != napi_ok || t == napi_null || t == napi_undefined)
    return NULL;
  napi_typedarray_type type;
  size_t len;
  void *data = NULL;
  if (napi_get_typedarray_info(a->env, a->argv[i], &type, &len, &data, NULL, NULL) != napi_ok) {
    a->bad = 1;
    return NULL;
  }
  return data;
}

/* Element count of typed-array argument i (0, and the call marked bad, when it is not one). */
static size_t len(Args *a, size_t i) {
  size_t n = 0;
  napi_typedarray_type type;
  if (!a->bad && (i >= a->argc ||
                  napi_get_typedarray_info(a->env, a->argv[i], &type, &n, NULL, NULL, NULL) != napi_ok))
    a->bad = 1;
  return n;
}

static double num(Args *a, size_t i) {
  double v = 0;
  if (i >= a->argc || napi_get_value_double(a->env, a->argv[i], &v) != napi_ok) a->bad = 1;
  return v;
}

static int flag(Args *a, size_t i) {
  bool v = false;
  if (i >= a->argc || napi_get_value_bool(a->env, a->argv[i], &v) != napi_ok) a->bad = 1;
  return v;
}

static napi_value done(Args *a) {
  if (a->bad) napi_throw_type_error(a->env, NULL, "qed_tiny: bad kernel arguments");
  return NULL;
}

/* ---------- gemm ---------- */

/* Own AVX-512 kernel when compiled in, unless QED_GEMM=openblas asks for OpenBLAS everywhere. */
static int g_use512 = 0;
#include "gemm512.h"

static napi_value k_gemm(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  int tA = flag(&a, 0), tB = flag(&a, 1);
  int M = (int)num(&a, 2), N = (int)num(&a, 3), K = (int)num(&a, 4);
  float alpha = (float)num(&a, 5);
  float *A = arr(&a, 6);
  int lda = (int)num(&a, 7);
  float *B = arr(&a, 8);
  int ldb = (int)num(&a, 9);
  float beta = (float)num(&a, 10);
  float *C = arr(&a, 11);
  int ldc = (int)num(&a, 12);
  if (!a.bad && M > 0 && N > 0) {
    if (K == 0) {
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) C[(long)i * ldc + j] = beta == 0 ? 0 : beta * C[(long)i * ldc + j];
    } else {
#ifdef HAVE_SGEMM512
      if (g_use512 && N >= G_NR && K >= 32) {
        sgemm512(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 1);
      } else
#endif
        cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, alpha,
                    A, lda, B, ldb, beta, C, ldc);
    }
  }
  return done(&a);
}

/* ---------- layernorm ---------- */

typedef struct {
  const float *x, *g, *b, *mean, *rstd, *dout;
  float *out, *mean_out, *rstd_out, *dx, *dg, *db;
  float *part; /* per-thread dg/db partial sums [threads][2C] */
  int C;
  float eps;
} LnCtx;

static void ln_fwd_range(void *p, long r0, long r1, int tid) {
  (void)tid;
  LnCtx *c = p;
  int C = c->C;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * C;
    float m = 0, v = 0;
    for (int i = 0; i < C; i++) m += x[i];
    m /= C;
    for (int i = 0; i < C; i++) v += (x[i] - m) * (x[i] - m);
    float rs = 1.0f / sqrtf(v / C + c->eps);
    c->mean_out[r] = m;
    c->rstd_out[r] = rs;
    float *o = c->out + r * C;
    for (int i = 0; i < C; i++) o[i] = (x[i] - m) * rs * c->g[i] + c->b[i];
  }
}

static napi_value k_ln_fwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  LnCtx c = {0};
  c.x = arr(&a, 0);
  c.g = arr(&a, 1);
  c.b = arr(&a, 2);
  c.out = arr(&a, 3);
  c.mean_out = arr(&a, 4);
  c.rstd_out = arr(&a, 5);
  long rows = (long)num(&a, 6);
  c.C = (int)num(&a, 7);
  c.eps = (float)num(&a, 8);
  if (!a.bad) parallel_for(ln_fwd_range, &c, rows, 64);
  return done(&a);
}

static void ln_bwd_range(void *p, long r0, long r1, int tid) {
  LnCtx *c = p;
  int C = c->C;
  float *pdg = c->part + (long)tid * 2 * C, *pdb = pdg + C;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * C, *dy = c->dout + r * C;
    float m = c->mean[r], rs = c->rstd[r], s1 = 0, s2 = 0;
    for (int i = 0; i < C; i++) {
      float xh = (x[i] - m) * rs, d = dy[i] * c->g[i];
      s1 += d;
      s2 += d * xh;
      pdg[i] += dy[i] * xh;
      pdb[i] += dy[i];
    }
    if (!c->dx) continue;
    s1 /= C;
    s2 /= C;
    float *dx = c->dx + r * C;
    for (int i = 0; i < C; i++) {
      float xh = (x[i] - m) * rs;
      dx[i] += (dy[i] * c->g[i] - s1 - xh * s2) * rs;
    }
  }
}

static napi_value k_ln_bwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  LnCtx c = {0};
  c.x = arr(&a, 0);
  c.g = arr(&a, 1);
  c.mean = arr(&a, 2);
  c.rstd = arr(&a, 3);
  c.dout = arr(&a, 4);
  c.dx = arr(&a, 5);
  c.dg = arr(&a, 6);
  c.db = arr(&a, 7);
  long rows = (long)num(&a, 8);
  c.C = (int)num(&a, 9);
  if (!a.bad) {
    c.part = calloc((size_t)g_threads * 2 * c.C, sizeof(float));
    parallel_for(ln_bwd_range, &c, rows, 64);
    for (int t = 0; t < g_threads; t++) { /* fixed order: deterministic */
      float *pdg = c.part + (long)t * 2 * c.C, *pdb = pdg + c.C;
      for (int i = 0; i < c.C; i++) {
        if (c.dg) c.dg[i] += pdg[i];
        if (c.db) c.db[i] += pdb[i];
      }
    }
    free(c.part);
  }
  return done(&a);
}

/* ---------- GELU (tanh approximation) ---------- */

typedef struct {
  const float *x, *dout;
  float *out, *dx;
} GeluCtx;

#define GELU_C 0.7978845608028654f

static inline float tanh_fast(float u) {
  /* tanh(u) = 1 - 2/(exp(2u)+1); clamp keeps expf finite. */
  u = u > 15.f ? 15.f : (u < -15.f ? -15.f : u);
  return 1.f - 2.f / (expf(2.f * u) + 1.f);
}

static void gelu_fwd_range(void *p, long i0, long i1, int tid) {
  (void)tid;
  GeluCtx *c = p;
  for (long i = i0; i < i1; i++) {
    float v = c->x[i];
    c->out[i] = 0.5f * v * (1.f + tanh_fast(GELU_C * (v + 0.044715f * v * v * v)));
  }
}

static void gelu_bwd_range(void *p, long i0, long i1, int tid) {
  (void)tid;
  GeluCtx *c = p;
  for (long i = i0; i < i1; i++) {
    float v = c->x[i];
    float t = tanh_fast(GELU_C * (v + 0.044715f * v * v * v));
    float dt = (1.f - t * t) * GELU_C * (1.f + 3.f * 0.044715f * v * v);
    c->dx[i] += c->dout[i] * (0.5f * (1.f + t) + 0.5f * v * dt);
  }
}

static napi_value k_gelu_fwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  GeluCtx c = {0};
  c.x = arr(&a, 0);
  c.out = arr(&a, 1);
  size_t n = len(&a, 0);
  if (!a.bad) parallel_for(gelu_fwd_range, &c, (long)n, 16384);
  return done(&a);
}

static napi_value k_gelu_bwd(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  GeluCtx c = {0};
  c.x = arr(&a, 0);
  c.dout = arr(&a, 1);
  c.dx = arr(&a, 2);
  size_t n = len(&a, 0);
  if (!a.bad) parallel_for(gelu_bwd_range, &c, (long)n, 16384);
  return done(&a);
}

#include "attention.h"
#include "misc.h"

/* ---------- module ---------- */

static napi_value k_init(napi_env env, napi_callback_info info) {
  Args a;
  get_args(env, info, &a);
  int want = (int)num(&a, 0);
  const char *gemm = getenv("QED_GEMM");
#ifdef HAVE_SGEMM512
  g_use512 = !(gemm && strcmp(gemm, "openblas") == 0);
#else
  (void)gemm;
#endif
  if (want < 1) want = 1;
  if (want > MAXT) want = MAXT;
  static int started = 0;
  if (!started) {
    for (int i = 1; i < want; i++) pthread_create(&g_workers[i], NULL, worker_main, (void *)(long)i);
    g_threads = want;
    started = 1;
  }
  g_blas_threads = want;
  openblas_set_num_threads(want);
  char buf[256];
  snprintf(buf, sizeof buf, "%s; OpenBLAS %s core %s; %d threads", g_use512 ? "sgemm AVX-512 (own kernel)" : "sgemm OpenBLAS",
           openblas_get_config(), openblas_get_corename(), g_threads);
  napi_value s;
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s);
  return s;
}

static napi_value Init(napi_env env, napi_value exports) {
  struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"init", k_init},         {"gemm", k_gemm},           {"layerNormFwd", k_ln_fwd},
      {"layerNormBwd", k_ln_bwd}, {"geluFwd", k_gelu_fwd},    {"geluBwd", k_gelu_bwd},
      {"attnFwd", k_attn_fwd},  {"attnBwd", k_attn_bwd},    {"attnCached", k_attn_cached},
      {"add", k_add},           {"accumulate", k_accumulate}, {"fillRows", k_fill_rows},
      {"logSumExp", k_lse},     {"xentBwd", k_xent_bwd},    {"adamw", k_adamw},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
