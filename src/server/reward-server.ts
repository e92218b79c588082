// `qed reward-server`: any Grader behind HTTP for external RL trainers. POST /score grades one
// {problem, proof}; POST /score/batch grades {items: [...]}; GET /health and GET /metrics. Grading runs
// under a bounded concurrency with a per-item timeout; a failed grading comes back as reward null with
// graderError (or the caller's default_reward, flagged `defaulted`), never as a silent 0.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Attempt } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import { emptyUsage } from '../core/usage.ts';
import { Semaphore } from '../eval/semaphore.ts';
import type { Grader } from '../grading/types.ts';
import { RewardMetrics } from './reward-metrics.ts';
import { describeIssue, ScoreBatchSchema, ScoreItemSchema } from './reward-protocol.ts';
import type { ScoreItem, ScoreResult } from './reward-protocol.ts';

export interface RewardServerOptions {
  grader: Grader;
  /** Problems addressable by id in requests (`"problem": "PB-Basic-001"`). */
  problems?: Problem[];
  host?: string;
  port?: number;
  /** When set, every request except GET /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Items graded at once across all requests (default 64). */
  concurrency?: number;
  /** Per-item limit including queueing (default 120 000 ms); past it the item fails with a timeout. */
  timeoutMs?: number;
  /** Largest accepted body (default 32 MiB) and batch (default 4096 items). */
  maxBodyBytes?: number;
  maxBatch?: number;
}

export interface RewardServer {
  url: string;
  port: number;
  metrics: RewardMetrics;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `request body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that hangs up mid-body never sends 'end': settle instead of waiting forever.
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'request body cut short'));
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`);
  }
}

export async function startRewardServer(opts: RewardServerOptions): Promise<RewardServer> {
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
  const maxBatch = opts.maxBatch ?? 4096;
  const slots = new Semaphore(opts.concurrency ?? 64);
  const byId = new Map((opts.problems ?? []).map((p) => [p.id, p]));
  const metrics = new RewardMetrics();
  const token = opts.token ? Buffer.from(`Bearer ${opts.token}`) : undefined;
  const sockets = new Set<Socket>();

  function resolveProblem(item: ScoreItem, where: string): Problem {
    if (typeof item.problem !== 'string') return item.problem;
    const p = byId.get(item.problem);
    if (!p) {
      const hint = byId.size ? '' : ' (the server has no --dataset; send the full problem object instead)';
      throw new HttpError(404, `${where}problem: unknown problem id "${item.problem}"${hint}`);
    }
    return p;
  }

  async function gradeOne(
    item: ScoreItem,
    problem: Problem,
    fallback: number | undefined,
  ): Promise<ScoreResult> {
    const started = performance.now();
    const attempt: Attempt = {
      problemId: problem.id,
      sampleIndex: 0,
      scaffold: 'external',
      turns: [],
      finalProof: item.proof,
      usage: emptyUsage(),
      cost: 0,
    };
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let score: number | null = null;
    let graderError: string | null = null;
    let assessment = '';
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`grading timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    metrics.inFlight++;
    try {
      const grade = await Promise.race([
        slots.acquire().then(async () => {
          try {
            if (controller.signal.aborted) throw new Error(`grading timed out after ${timeoutMs} ms`);
            return await opts.grader.grade({ problem, attempt }, { signal: controller.signal });
          } finally {
            slots.release();
          }
        }),
        timeout,
      ]);
      score = grade.score;
      graderError = grade.score === null ? (grade.graderError ?? 'grader returned no score') : null;
      assessment = grade.assessment ?? '';
    } catch (e) {
      graderError = `grader failed: ${(e as Error).message}`;
    } finally {
      clearTimeout(timer);
      metrics.inFlight--;
    }
    const failed = score === null;
    const defaulted = failed && fallback !== undefined;
    const latencyMs = performance.now() - started;
    metrics.observeItem(latencyMs, failed, defaulted);
    return {
      ...(item.id !== undefined ? { id: item.id } : {}),
      problemId: problem.id,
      reward: score === null ? (fallback ?? null) : score / 7,
      score,
      graderError,
      defaulted,
      assessment,
      latencyMs: Math.round(latencyMs * 10) / 10,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') {
      send(res, 200, { ok: true, grader: opts.grader.info, problems: byId.size, inFlight: metrics.inFlight });
      return 200;
    }
    if (token) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== token.length || !timingSafeEqual(given, token)) {
        throw new HttpError(401, 'missing or wrong bearer token');
      }
    }
    if (path === '/metrics' && req.method === 'GET') {
      send(res, 200, metrics.render(), 'text/plain; version=0.0.4');
      return 200;
    }
    if (path !== '/score' && path !== '/score/batch') throw new HttpError(404, `no route ${path}`);
    if (req.method !== 'POST') throw new HttpError(405, `${path} takes POST`);
    const body = parseJson(await readBody(req, maxBody));
    if (path === '/score') {
      const parsed = ScoreItemSchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
      const problem = resolveProblem(parsed.data, '');
      send(res, 200, await gradeOne(parsed.data, problem, parsed.data.default_reward));
      return 200;
    }
    const parsed = ScoreBatchSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
    const { items } = parsed.data;
    if (items.length > maxBatch)
      throw new HttpError(413, `batch of ${items.length} items is over the limit of ${maxBatch}`);
    const problems = items.map((item, i) => resolveProblem(item, `items.${i}.`));
    const results = await Promise.all(
      items.map((item, i) => gradeOne(item, problems[i], item.default_reward ?? parsed.data.default_reward)),
    );
    send(res, 200, { results });
    return 200;
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    handle(req, res)
      .then((status) => metrics.observeRequest(path, status))
      .catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        const message = e instanceof HttpError ? e.message : `internal error: ${(e as Error).message}`;
        metrics.observeRequest(path, status);
        if (!res.headersSent) send(res, status, { error: { status, message } });
        else res.destroy();
      });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
