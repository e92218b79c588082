// Packed AVX-512 sgemm (included by qed_tiny.c when built with AVX-512F): 8×32 register tile, B packed in
// 32-column panels, A in 8-row panels, K blocked by KC. Row panels are split over the pool in a fixed
// partition, so results are bit-identical run to run. Used instead of OpenBLAS where OpenBLAS is pinned to
// its AVX2 (Haswell) kernels by OPENBLAS_CORETYPE; transposes cost nothing because packing absorbs them.
#ifdef __AVX512F__
#include <immintrin.h>

#define G_MR 8
#define G_NR 32
#define G_KC 256
#define G_NC 512
#define G_MC 64

typedef struct {
  int tA, tB, M, N, K, lda, ldb, ldc;
  float alpha, beta;
  const float *A, *B;
  float *C;
} G512;

static float *g_pack_a[MAXT], *g_pack_b[MAXT];

static void pack_b(const G512 *g, int k0, int kc, int j0, int nc, float *Bp) {
  for (int jp = 0; jp < nc; jp += G_NR) {
    int nr = nc - jp < G_NR ? nc - jp : G_NR;
    float *dst = Bp + (long)jp * kc;
    for (int k = 0; k < kc; k++) {
      float *d = dst + k * G_NR;
      if (g->tB) {
        const float *src = g->B + (long)(j0 + jp) * g->ldb + (k0 + k);
        for (int j = 0; j < nr; j++) d[j] = src[(long)j * g->ldb];
      } else {
        memcpy(d, g->B + (long)(k0 + k) * g->ldb + j0 + jp, sizeof(float) * nr);
      }
      for (int j = nr; j < G_NR; j++) d[j] = 0;
    }
  }
}

static void pack_a(const G512 *g, int i0, int mc, int k0, int kc, float *Ap) {
  for (int ip = 0; ip < mc; ip += G_MR) {
    int mr = mc - ip < G_MR ? mc - ip : G_MR;
    float *dst = Ap + (long)ip * kc;
    for (int k = 0; k < kc; k++) {
      float *d = dst + k * G_MR;
      if (g->tA) {
        memcpy(d, g->A + (long)(k0 + k) * g->lda + i0 + ip, sizeof(float) * mr);
      } else {
        const float *src = g->A + (long)(i0 + ip) * g->lda + (k0 + k);
        for (int i = 0; i < mr; i++) d[i] = src[(long)i * g->lda];
      }
      for (int i = mr; i < G_MR; i++) d[i] = 0;
    }
  }
}

/* C[mr, nr] = alpha·Ap·Bp + beta·C (beta 0 means overwrite, never reads C). */
static void ukernel(int kc, const float *Ap, const float *Bp, float *C, long ldc, float alpha, float beta, int mr,
                    int nr) {
  __m512 c[G_MR][2];
#pragma GCC unroll 8
  for (int i = 0; i < G_MR; i++) c[i][0] = c[i][1] = _mm512_setzero_ps();
  for (int k = 0; k < kc; k++) {
    __m512 b0 = _mm512_load_ps(Bp), b1 = _mm512_load_ps(Bp + 16);
#pragma GCC unroll 8
    for (int i = 0; i < G_MR; i++) {
      __m512 a = _mm512_set1_ps(Ap[i]);
      c[i][0] = _mm512_fmadd_ps(a, b0, c[i][0]);
      c[i][1] = _mm512_fmadd_ps(a, b1, c[i][1]);
    }
    Ap += G_MR;
    Bp += G_NR;
  }
  __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  __mmask16 m0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
  __mmask16 m1 = nr >= 32 ? 0xFFFF : (nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1));
  for (int i = 0; i < mr; i++) {
    float *ci = C + i * ldc;
    __m512 r0 = _mm512_mul_ps(va, c[i][0]), r1 = _mm512_mul_ps(va, c[i][1]);
    if (beta != 0) {
      r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), r0);
      r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), r1);
    }
    _mm512_mask_storeu_ps(ci, m0, r0);
    _mm512_mask_storeu_ps(ci + 16, m1, r1);
  }
}

/* Rows [p0·MR, p1·MR) of C, one thread, its own packing buffers. */
static void g512_panels(void *p, long p0, long p1, int tid) {
  const G512 *g = p;
  int m0 = (int)p0 * G_MR, m1 = (int)p1 * G_MR;
  if (m1 > g->M) m1 = g->M;
  if (m0 >= m1) return;
  if (!g_pack_a[tid]) {
    g_pack_a[tid] = aligned_alloc(64, sizeof(float) * G_MC * G_KC);
    g_pack_b[tid] = aligned_alloc(64, sizeof(float) * G_NC * G_KC);
  }
  float *Ap = g_pack_a[tid], *Bp = g_pack_b[tid];
  for (int k0 = 0; k0 < g->K; k0 += G_KC) {
    int kc = g->K - k0 < G_KC ? g->K - k0 : G_KC;
    float beta = k0 == 0 ? g->beta : 1.f;
    for (int j0 = 0; j0 < g->N; j0 += G_NC) {
      int nc = g->N - j0 < G_NC ? g->N - j0 : G_NC;
      pack_b(g, k0, kc, j0, nc, Bp);
      for (int i0 = m0; i0 < m1; i0 += G_MC) {
        int mc = m1 - i0 < G_MC ? m1 - i0 : G_MC;
        pack_a(g, i0, mc, k0, kc, Ap);
        for (int jp = 0; jp < nc; jp += G_NR) {
          int nr = nc - jp < G_NR ? nc - jp : G_NR;
          for (int ip = 0; ip < mc; ip += G_MR) {
            int mr = mc - ip < G_MR ? mc - ip : G_MR;
            ukernel(kc, Ap + (long)ip * kc, Bp + (long)jp * kc, g->C + (long)(i0 + ip) * g->ldc + j0 + jp, g->ldc,
                    g->alpha, beta, mr, nr);
          }
        }
      }
    }
  }
}

/* Columns [c0·NR, c1·NR) of C for all rows: the split used when there are too few row panels (decoding). */
static void g512_cols(void *p, long c0, long c1, int tid) {
  const G512 *g = p;
  int j0 = (int)c0 * G_NR, j1 = (int)c1 * G_NR;
  if (j1 > g->N) j1 = g->N;
  if (j0 >= j1) return;
  G512 sub = *g;
  sub.N = j1 - j0;
  sub.B = g->tB ? g->B + (long)j0 * g->ldb : g->B + j0;
  sub.C = g->C + j0;
  g512_panels(&sub, 0, (g->M + G_MR - 1) / G_MR, tid);
}

static void sgemm512(int tA, int tB, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
                     float beta, float *C, int ldc, int threaded) {
  G512 g = {tA, tB, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C};
  long panels = (M + G_MR - 1) / G_MR, colPanels = (N + G_NR - 1) / G_NR;
  double work = (double)M * N * K;
  if (threaded && work >= 2e6 && panels >= 2L * g_threads)
    parallel_for(g512_panels, &g, panels, 2);
  else if (threaded && work >= 1e6 && colPanels >= 4L * g_threads)
    parallel_for(g512_cols, &g, colPanels, 2);
  else
    g512_panels(&g, 0, panels, 0);
}
#define HAVE_SGEMM512 1
#endif

/* Single-threaded sgemm for code already running on pool thread `tid` (attention per batch-head pair). */
static void sgemm_st(int tA, int tB, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
                     float beta, float *C, int ldc, int tid) {
#ifdef HAVE_SGEMM512
  if (g_use512 && N >= G_NR && K >= 32) { /* narrower products waste the 32-wide tile: OpenBLAS wins there */
    G512 g = {tA, tB, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C};
    g512_panels(&g, 0, (M + G_MR - 1) / G_MR, tid);
    return;
  }
#endif
  (void)tid;
  cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda,
              B, ldb, beta, C, ldc);
}
