// Plain TypeScript kernels: the portable fallback backend (no native code, one thread). Slow for matmul
// (about 1 GFLOP/s) but exact enough to serve as the reference the native kernels are tested against.
// Inputs and outputs are row-major Float32Arrays; see kernels.ts for the contract.
import type { Kernels } from './kernels.ts';

const GELU_C = Math.sqrt(2 / Math.PI);

// Typed by the interface, so the 13-argument BLAS-style signature is written once (in kernels.ts).
const gemm: Kernels['gemm'] = (tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) => {
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const a = tA ? A[k * lda + i] : A[i * lda + k];
      if (a === 0) continue;
      if (tB) {
        for (let j = 0; j < N; j++) row[j] += a * B[j * ldb + k];
      } else {
        const off = k * ldb;
        for (let j = 0; j < N; j++) row[j] += a * B[off + j];
      }
    }
    const c0 = i * ldc;
    if (beta === 0) for (let j = 0; j < N; j++) C[c0 + j] = alpha * row[j];
    else for (let j = 0; j < N; j++) C[c0 + j] = alpha * row[j] + beta * C[c0 + j];
  }
};

export const jsKernels: Kernels = {
  name: 'js',
  gemm,

  add(a, b, out) {
    for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
  },

  fillRows(out, row, rows, N) {
    for (let r = 0; r < rows; r++) out.set(row.subarray(0, N), r * N);
  },

  accumulate(dst, src) {
    for (let i = 0; i < dst.length; i++) dst[i] += src[i];
  },

  layerNormFwd(x, g, b, out, mean, rstd, rows, C, eps) {
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      let m = 0;
      for (let c = 0; c < C; c++) m += x[o + c];
      m /= C;
      let v = 0;
      for (let c = 0; c < C; c++) v += (x[o + c] - m) * (x[o + c] - m);
      const rs = 1 / Math.sqrt(v / C + eps);
      mean[r] = m;
      rstd[r] = rs;
      for (let c = 0; c < C; c++) out[o + c] = (x[o + c] - m) * rs * g[c] + b[c];
    }
  },

  layerNormBwd(x, g, mean, rstd, dout, dx, dg, db, rows, C) {
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      const m = mean[r];
      const rs = rstd[r];
      let sumDy = 0;
      let sumDyXh = 0;
      for (let c = 0; c < C; c++) {
        const xh = (x[o + c] - m) * rs;
        const dy = dout[o + c] * g[c];
        sumDy += dy;
        sumDyXh += dy * xh;
        if (dg) dg[c] += dout[o + c] * xh;
        if (db) db[c] += dout[o + c];
      }
      if (!dx) continue;
      sumDy /= C;
      sumDyXh /= C;
      for (let c = 0; c < C; c++) {
        const xh = (x[o + c] - m) * rs;
        dx[o + c] += (dout[o + c] * g[c] - sumDy - xh * sumDyXh) * rs;
      }
    }
  },

  geluFwd(x, out) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
    }
  },

  geluBwd(x, dout, dx) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
      const dt = (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
      dx[i] += dout[i] * (0.5 * (1 + t) + 0.5 * v * dt);
    }
  },

  attnFwd(qkv, out, probs, B, T, H, hd, start) {
    const C = H * hd;
    const C3 = 3 * C;
    const scale = 1 / Math.sqrt(hd);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const pBase = (b * H + h) * T * T;
        for (let t = 0; t < T; t++) {
          const q = (b * T + t) * C3 + h * hd;
          const pRow = pBase + t * T;
          const s0 = start ? start[b * T + t] : 0;
          for (let s = 0; s < s0; s++) probs[pRow + s] = 0;
          let max = -Infinity;
          for (let s = s0; s <= t; s++) {
            const k = (b * T + s) * C3 + C + h * hd;
            let dot = 0;
            for (let d = 0; d < hd; d++) dot += qkv[q + d] * qkv[k + d];
            dot *= scale;
            probs[pRow + s] = dot;
            if (dot > max) max = dot;
          }
          let sum = 0;
          for (let s = s0; s <= t; s++) {
            const e = Math.exp(probs[pRow + s] - max);
            probs[pRow + s] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let s = s0; s <= t; s++) probs[pRow + s] *= inv;
          for (let s = t + 1; s < T; s++) probs[pRow + s] = 0;
          const o = (b * T + t) * C + h * hd;
          for (let d = 0; d < hd; d++) out[o + d] = 0;
          for (let s = s0; s <= t; s++) {
            const p = probs[pRow + s];
            const v = (b * T + s) * C3 + 2 * C + h * hd;
            for (let d = 0; d < hd; d++) out[o + d] += p * qkv[v + d];
          }
        }
      }
    }
  },

  attnBwd(qkv, probs, dout, dqkv, B, T, H, hd) {
    const C = H * hd;
    const C3 = 3 * C;
    const scale = 1 / Math.sqrt(hd);
    const dp = new Float64Array(T);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const pBase = (b * H + h) * T * T;
        for (let t = 0; t < T; t++) {
          const pRow = pBase + t * T;
          const o = (b * T + t) * C + h * hd;
          // dP[t,s] = dO[t]·V[s];  dV[s] += P[t,s]·dO[t]
          let dot = 0;
          for (let s = 0; s <= t; s++) {
            const v = (b * T + s) * C3 + 2 * C + h * hd;
            let acc = 0;
            for (let d = 0; d < hd; d++) {
              acc += dout[o + d] * qkv[v + d];
              dqkv[v + d] += probs[pRow + s] * dout[o + d];
            }
            dp[s] = acc;
            dot += acc * probs[pRow + s];
          }
          // dS = P·(dP − Σ P·dP);  dQ[t] += scale·dS·K[s];  dK[s] += scale·dS·Q[t]
          const q = (b * T + t) * C3 + h * hd;
          for (let s = 0; s <= t; s++) {
            const ds = probs[pRow + s] * (dp[s] - dot) * scale;
            if (ds === 0) continue;
            const k = (b * T + s) * C3 + C + h * hd;
            for (let d = 0; d < hd; d++) {
              dqkv[q + d] += ds * qkv[k + d];
              dqkv[k + d] += ds * qkv[q + d];
            }
          }
        }
      }
    }
  },

  attnCached(qkv, kc, vc, slot, pos, out, N, H, hd, ctx) {
    const C = H * hd;
    const scale = 1 / Math.sqrt(hd);
    const sc = new Float64Array(ctx);
    for (let i = 0; i < N; i++) {
      for (let h = 0; h < H; h++) {
        const q = i * 3 * C + h * hd;
        const base = (slot[i] * H + h) * ctx * hd;
        const P = pos[i];
        let max = -Infinity;
        for (let s = 0; s <= P; s++) {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += qkv[q + d] * kc[base + s * hd + d];
          sc[s] = dot * scale;
          if (sc[s] > max) max = sc[s];
        }
        let sum = 0;
        for (let s = 0; s <= P; s++) {
          sc[s] = Math.exp(sc[s] - max);
          sum += sc[s];
        }
        const o = i * C + h * hd;
        for (let d = 0; d < hd; d++) out[o + d] = 0;
        for (let s = 0; s <= P; s++) {
          const p = sc[s] / sum;
          for (let d = 0; d < hd; d++) out[o + d] += p * vc[base + s * hd + d];
        }
      }
    }
  },

  logSumExp(logits, lse, rows, V) {
    for (let r = 0; r < rows; r++) {
      const o = r * V;
      let max = -Infinity;
      for (let j = 0; j < V; j++) if (logits[o + j] > max) max = logits[o + j];
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(logits[o + j] - max);
      lse[r] = max + Math.log(sum);
    }
  },

  xentBwd(logits, lse, targets, scale, dlogits, rows, V) {
    for (let r = 0; r < rows; r++) {
      const s = scale[r];
      if (s === 0) continue;
      const o = r * V;
      const l = lse[r];
      for (let j = 0; j < V; j++) dlogits[o + j] += s * Math.exp(logits[o + j] - l);
      if (targets[r] >= 0) dlogits[o + targets[r]] -= s;
    }
  },

  adamw(p, g, m, v, lr, beta1, beta2, eps, weightDecay, bias1, bias2) {
    const decay = 1 - lr * weightDecay;
    const stepSize = lr / bias1;
    const b2s = Math.sqrt(bias2);
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] = p[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i]) / b2s + eps);
    }
  },
};
