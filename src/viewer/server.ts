// The `qed view` HTTP server: static viewer page + KaTeX CSS/fonts from node_modules + a JSON API
// over one run (RunIndex). Binds 127.0.0.1 by default, sends a strict Content-Security-Policy
// (no inline script, nothing from other origins) and refuses foreign Host headers (DNS rebinding).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { loadRun } from '../report/load-run.ts';
import { RunIndex } from './run-index.ts';
import type { Filters } from './run-index.ts';

export interface ViewerOptions {
  dir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataset?: string;
}

export interface Viewer {
  url: string;
  index: RunIndex;
  close(): Promise<void>;
}

const STATIC_DIR = join(import.meta.dirname, 'static');
const KATEX_DIR = join(dirname(createRequire(import.meta.url).resolve('katex/package.json')), 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // KaTeX positions glyphs with style attributes
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export async function startViewer(opts: ViewerOptions): Promise<Viewer> {
  const index = new RunIndex(await loadRun(opts.dir, { dataset: opts.dataset }));
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    try {
      handle(index, host, req, res);
    } catch (e) {
      send(res, 500, { error: (e as Error).message });
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    index,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function handle(index: RunIndex, host: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://viewer.invalid');
  const requestHost = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (LOOPBACK.has(host) && !LOOPBACK.has(requestHost)) return send(res, 403, { error: 'forbidden host' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
  const path = url.pathname;
  const q = url.searchParams;
  const paging = (): [number, number] => [
    Math.max(0, int(q.get('offset')) ?? 0),
    Math.min(500, Math.max(1, int(q.get('limit')) ?? 50)),
  ];
  if (path === '/favicon.ico') return void res.writeHead(204, headers('image/x-icon')).end();
  if (path === '/' || path === '/index.html') return file(res, join(STATIC_DIR, 'index.html'));
  if (path === '/app.js' || path === '/app.css') return file(res, join(STATIC_DIR, path.slice(1)));
  if (path.startsWith('/katex/')) return file(res, inside(KATEX_DIR, path.slice('/katex/'.length)));
  if (path === '/api/run') return send(res, 200, index.summary());
  if (path === '/api/problems') return send(res, 200, index.listProblems(filters(q), ...paging()));
  if (path === '/api/samples') return send(res, 200, index.listSamples(filters(q), ...paging()));
  const problem = /^\/api\/problem\/(.+)$/.exec(path);
  if (problem) {
    const detail = index.problemDetail(decodeURIComponent(problem[1]));
    return detail ? send(res, 200, detail) : send(res, 404, { error: 'no such problem' });
  }
  const sample = /^\/api\/sample\/(\d+)$/.exec(path);
  if (sample) {
    const detail = index.sampleDetail(Number(sample[1]));
    return detail ? send(res, 200, detail) : send(res, 404, { error: 'no such sample' });
  }
  send(res, 404, { error: 'not found' });
}

function filters(q: URLSearchParams): Filters {
  const num = (k: string) => {
    const v = q.get(k);
    return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
  };
  const text = (k: string) => q.get(k) || undefined;
  return {
    category: text('category'),
    status: text('status'),
    problem: text('problem'),
    q: text('q'),
    minScore: num('minScore'),
    maxScore: num('maxScore'),
  };
}

function int(v: string | null): number | undefined {
  const n = v === null ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** `rel` resolved under `root`, or undefined when it would escape it. */
function inside(root: string, rel: string): string | undefined {
  const full = resolve(root, normalize(decodeURIComponent(rel)));
  return full.startsWith(root + sep) ? full : undefined;
}

function headers(type: string): Record<string, string> {
  return {
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

function file(res: ServerResponse, path: string | undefined): void {
  if (!path || !existsSync(path) || !statSync(path).isFile()) return send(res, 404, { error: 'not found' });
  res.writeHead(200, headers(TYPES[extname(path)] ?? 'application/octet-stream'));
  createReadStream(path).pipe(res);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, headers('application/json; charset=utf-8'));
  res.end(JSON.stringify(body));
}
