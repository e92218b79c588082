#!/usr/bin/env node
// Builds the optional native backend (native/build/Release/qed_tiny.node) with npm's bundled node-gyp,
// offline (Node headers from /usr/include/node). Runs from `npm ci`; it never fails the install: when a
// compiler, the Node headers or libopenblas-dev are missing it says so and the engine uses plain TypeScript.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const say = (msg) => console.error(`qed-nano native backend: ${msg}`);

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((p) => p && existsSync(p));
}

function main() {
  if (process.env.QED_SKIP_NATIVE === '1')
    return say('skipped (QED_SKIP_NATIVE=1); using the TypeScript backend');
  if (process.platform !== 'linux')
    return say(`not built on ${process.platform}; using the TypeScript backend`);
  const headers = ['/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h', '/usr/include/openblas/cblas.h'];
  if (!headers.some(existsSync)) {
    return say(
      'libopenblas-dev not installed (scripts/install-system-deps.sh); using the TypeScript backend',
    );
  }
  const gyp = nodeGyp();
  if (!gyp) return say('node-gyp not found next to npm; using the TypeScript backend');
  const nodedir =
    process.env.npm_config_nodedir || (existsSync('/usr/include/node/node_api.h') ? '/usr' : null);
  if (!nodedir) return say('Node headers not found (/usr/include/node); using the TypeScript backend');
  const res = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], {
    cwd: here,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (res.status !== 0) {
    say(
      `build failed; using the TypeScript backend\n${(res.stderr || res.error?.message || '').slice(-2000)}`,
    );
    return;
  }
  say('built native/build/Release/qed_tiny.node (OpenBLAS + fused C kernels)');
}

main();
