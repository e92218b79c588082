// An in-repo OpenAI-compatible HTTP server for tests, demos and throughput benchmarks:
// POST /v1/chat/completions (JSON or SSE streaming) and GET /v1/models, answering with a pluggable
// `respond(request)` (default: a deterministic proof-like text ending in "QED"), a fixed latency, and
// seeded fault injection (429 with Retry-After, 500, hangs, malformed JSON, truncated bodies/streams).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { deriveSeed, Rng } from '../core/rng.ts';
import { countWords, mockProofText } from './mock-text.ts';

export type FaultKind = 'rate_limit' | 'server_error' | 'hang' | 'malformed' | 'truncate';
export const FAULT_KINDS: readonly FaultKind[] = [
  'rate_limit',
  'server_error',
  'hang',
  'malformed',
  'truncate',
];

export interface MockMessage {
  role: string;
  content: string;
}

/** What `respond` sees: the parsed request body plus the fields most responders need. */
export interface MockRequest {
  index: number;
  model: string;
  messages: MockMessage[];
  /** The last user message. */
  prompt: string;
  stream: boolean;
  body: Record<string, unknown>;
}

export type MockReply = string | { content: string; reasoning?: string };

export interface MockCall {
  index: number;
  model: string;
  stream: boolean;
  fault?: FaultKind;
  /** Whether the request carried the server's expected key (always true when no key is set). */
  authorized: boolean;
  body: Record<string, unknown>;
}

export interface MockServerOptions {
  respond?: (request: MockRequest) => MockReply | Promise<MockReply>;
  /** Delay before every answer (faults included, hangs excepted). */
  latencyMs?: number;
  /** Probability per request of each fault, e.g. `{ rate_limit: 0.1, hang: 0.05 }`. */
  faults?: Partial<Record<FaultKind, number>>;
  /** Seconds sent in Retry-After with 429s (default 1). */
  retryAfterS?: number;
  /** Overrides the random draw: return the fault for this call, or undefined for a normal answer. */
  faultFor?: (call: MockCall) => FaultKind | undefined;
  seed?: number;
  port?: number;
  host?: string;
  /** When set, requests must send `Authorization: Bearer <apiKey>`; others get 401. */
  apiKey?: string;
  /** When set, prompt + max_tokens above it gets vLLM's 400 "maximum context length" error. */
  contextWindow?: number;
  models?: string[];
  /** Keep request bodies in `calls` (default true; turn off for very long benchmarks). */
  recordCalls?: boolean;
}

export interface MockServer {
  /** Base URL including `/v1`, ready for `OPENAI_BASE_URL`. */
  url: string;
  port: number;
  calls: MockCall[];
  stats: { requests: number; completions: number; faults: Record<FaultKind, number> };
  close(): Promise<void>;
}

interface Draw {
  fault?: FaultKind;
}

function lastUser(messages: MockMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].content;
  return messages.at(-1)?.content ?? '';
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

const errorBody = (message: string, type: string) => ({ error: { message, type, code: type } });

export async function startMockServer(opts: MockServerOptions = {}): Promise<MockServer> {
  const seed = opts.seed ?? 0;
  const latency = opts.latencyMs ?? 0;
  const models = opts.models ?? ['mock-prover'];
  const record = opts.recordCalls !== false;
  const calls: MockCall[] = [];
  const stats: MockServer['stats'] = {
    requests: 0,
    completions: 0,
    faults: { rate_limit: 0, server_error: 0, hang: 0, malformed: 0, truncate: 0 },
  };
  // Faults are drawn from (seed, request body, how often this body was seen), so a given request's
  // first try and its retries get independent draws whatever order concurrent requests arrive in.
  const seen = new Map<number, number>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const respond =
    opts.respond ?? ((r: MockRequest) => mockProofText(r.prompt, deriveSeed(seed, Number(r.body.seed ?? 0))));

  function drawFault(bodyText: string): Draw {
    const rates = opts.faults;
    if (!rates) return {};
    const key = deriveSeed(seed, bodyText);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    let u = new Rng(deriveSeed(key, n)).next();
    for (const kind of FAULT_KINDS) {
      const p = rates[kind] ?? 0;
      if (u < p) return { fault: kind };
      u -= p;
    }
    return {};
  }

  async function completions(req: IncomingMessage, res: ServerResponse, bodyText: string): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(bodyText) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, errorBody('request body is not JSON', 'invalid_request_error'));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendJson(res, 400, errorBody('request body must be a JSON object', 'invalid_request_error'));
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.some((m) => typeof m?.content !== 'string')) {
      return sendJson(
        res,
        400,
        errorBody('messages must be a list of {role, content}', 'invalid_request_error'),
      );
    }
    const index = stats.requests++;
    const model = typeof body.model === 'string' ? body.model : models[0];
    const stream = body.stream === true;
    const authorized = !opts.apiKey || req.headers.authorization === `Bearer ${opts.apiKey}`;
    const call: MockCall = { index, model, stream, authorized, body: record ? body : {} };
    const drawn = opts.faultFor ? { fault: opts.faultFor(call) } : drawFault(bodyText);
    if (drawn.fault) {
      call.fault = drawn.fault;
      stats.faults[drawn.fault]++;
    }
    if (record) calls.push(call);
    if (!authorized) return sendJson(res, 401, errorBody('invalid api key', 'invalid_api_key'));
    if (call.fault === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (call.fault === 'rate_limit') {
      return sendJson(res, 429, errorBody('rate limited (mock)', 'rate_limit_exceeded'), {
        'retry-after': String(opts.retryAfterS ?? 1),
      });
    }
    if (call.fault === 'server_error')
      return sendJson(res, 500, errorBody('internal error (mock)', 'server_error'));
    if (call.fault === 'malformed') {
      // Alternate between a body that is not JSON and JSON without `choices`.
      const text =
        index % 2 === 0 ? '{"id": "chatcmpl-mock", "choices": [' : '{"id":"chatcmpl-mock","object":"x"}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const msgs = messages as MockMessage[];
    const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? 0);
    const promptTokens = msgs.reduce((n, m) => n + countWords(m.content), 0);
    if (opts.contextWindow !== undefined && promptTokens + limit > opts.contextWindow) {
      const message = `This model's maximum context length is ${opts.contextWindow} tokens. However, you requested ${promptTokens + limit} tokens (${promptTokens} in the messages, ${limit} in the completion). Please reduce the length of the messages or completion.`;
      return sendJson(res, 400, errorBody(message, 'BadRequestError'));
    }
    let reply: MockReply;
    try {
      reply = await respond({ index, model, messages: msgs, prompt: lastUser(msgs), stream, body });
    } catch (e) {
      return sendJson(res, 500, errorBody(`responder failed: ${(e as Error).message}`, 'server_error'));
    }
    let content = typeof reply === 'string' ? reply : reply.content;
    const reasoning = typeof reply === 'string' ? undefined : reply.reasoning;
    let finish = 'stop';
    const reasoningTokens = reasoning ? countWords(reasoning) : 0;
    if (limit > 0 && countWords(content) + reasoningTokens > limit) {
      content = content
        .split(/\s+/)
        .slice(0, Math.max(0, limit - reasoningTokens))
        .join(' ');
      finish = 'length';
    }
    const completionTokens = countWords(content) + reasoningTokens;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    };
    stats.completions++;
    const id = `chatcmpl-mock-${index}`;
    const created = Math.floor(Date.now() / 1000);
    if (!stream) {
      const message = {
        role: 'assistant',
        content,
        ...(reasoning !== undefined ? { reasoning_content: reasoning } : {}),
      };
      const full = JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
        usage,
      });
      if (call.fault === 'truncate') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
        // Destroy only after the partial body is flushed, so the client sees headers and a cut body.
        res.write(full.slice(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
      res.end(full);
      return;
    }
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra = {}) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
        ...extra,
      })}\n\n`;
    const pieces = splitPieces(content);
    let out = chunk({ role: 'assistant', content: '' });
    if (reasoning) for (const r of splitPieces(reasoning)) out += chunk({ reasoning_content: r });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (call.fault === 'truncate') {
      res.write(out + chunk({ content: pieces[0] ?? '' }), () => res.socket?.destroy());
      return;
    }
    for (const p of pieces) out += chunk({ content: p });
    out += chunk({}, finish);
    const so = body.stream_options as { include_usage?: boolean } | undefined;
    if (so?.include_usage) {
      out += `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`;
    }
    res.end(`${out}data: [DONE]\n\n`);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'qed-nano-mock' })),
      });
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      return sendJson(res, 404, errorBody(`no route ${req.method} ${path}`, 'not_found'));
    }
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      completions(req, res, Buffer.concat(parts).toString('utf8')).catch((e: Error) => {
        if (!res.headersSent) sendJson(res, 500, errorBody(e.message, 'server_error'));
        else res.destroy();
      });
    });
  });
  // Keep-alive sockets must outlive client idle pools; a large backlog avoids SYN drops in bursts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.on('connection', (s: Socket) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port ?? 0, host, backlog: 4096 }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    calls,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Splits text into about four stream deltas at word boundaries (whitespace kept). */
function splitPieces(text: string): string[] {
  if (text === '') return [];
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / 4));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}
