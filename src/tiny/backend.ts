// Chooses the compute backend once per process: the native addon (OpenBLAS sgemm + fused C kernels, built
// by `npm ci` when a compiler and libopenblas-dev exist) or the plain TypeScript fallback.
// `QED_BACKEND=js` forces the fallback, `QED_BACKEND=native` makes a missing addon an error.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kernels } from './kernels.ts';
import { jsKernels } from './kernels-js.ts';

export interface BackendInfo {
  name: string;
  /** Why the native backend is not in use (absent when it is). */
  fallbackReason?: string;
}

let active: Kernels | null = null;
let reason: string | undefined;

/** Path of the compiled addon (native/build/Release/qed_tiny.node). */
export function nativeAddonPath(): string {
  return fileURLToPath(new URL('../../native/build/Release/qed_tiny.node', import.meta.url));
}

function loadNative(): Kernels {
  const path = nativeAddonPath();
  if (!existsSync(path)) throw new Error(`native addon not built (${path}); run: npm run build:native`);
  const require = createRequire(import.meta.url);
  const addon = require(path) as Kernels & { init(threads: number): string };
  const threads = Number(process.env.QED_THREADS ?? 2);
  const detail = addon.init(Number.isFinite(threads) && threads > 0 ? threads : 2);
  return { ...jsKernels, ...addon, name: `native (${detail})` };
}

/** The active kernels; chosen on first use. */
export function kernels(): Kernels {
  if (active) return active;
  const want = (process.env.QED_BACKEND ?? 'auto').toLowerCase();
  if (want === 'js') {
    active = jsKernels;
    reason = 'QED_BACKEND=js';
  } else if (want === 'native') {
    active = loadNative();
  } else if (want === 'auto') {
    try {
      active = loadNative();
    } catch (err) {
      active = jsKernels;
      reason = (err as Error).message;
    }
  } else {
    throw new Error(`QED_BACKEND must be auto, native or js (got ${JSON.stringify(want)})`);
  }
  return active;
}

/** Which backend runs, and why the fast one does not when it does not. */
export function backendInfo(): BackendInfo {
  const k = kernels();
  return reason ? { name: k.name, fallbackReason: reason } : { name: k.name };
}

/** Replace the active backend (tests compare backends within one process). Returns the previous one. */
export function useKernels(k: Kernels): Kernels {
  const prev = kernels();
  active = k;
  return prev;
}

/** The native kernels when the addon loads, else null (for tests and benchmarks). */
export function tryNativeKernels(): Kernels | null {
  try {
    return loadNative();
  } catch {
    return null;
  }
}
