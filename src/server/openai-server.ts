// `qed serve`: an OpenAI-compatible HTTP server for a checkpoint. POST /v1/chat/completions (JSON or SSE
// streaming, n choices, stop, seed, usage), GET /v1/models, GET /health. Requests from all clients feed one
// continuous-batching LocalEngine; bad bodies get OpenAI-style 4xx JSON errors. Binds 127.0.0.1 by default.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, resolve } from 'node:path';
import { TextDecoder } from 'node:util';
import { deriveSeed } from '../core/rng.ts';
import { chatPromptIds, stopTokenIds } from '../providers/local.ts';
import { LocalEngine, type GenerationOutcome, type TokenLogprob } from '../providers/local-engine.ts';
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import type { GPT } from '../tiny/gpt.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';
import {
  contentText,
  errorBody,
  parseChatBody,
  type ApiError,
  type ChatCompletionBody,
} from './openai-server-schema.ts';

export interface OpenAIServerOptions {
  checkpoint: string;
  /** Serve an already loaded model instead of reading `checkpoint`. */
  loaded?: { model: GPT; tokenizer: Tokenizer };
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Model id clients must send (default: the checkpoint directory's name). */
  modelId?: string;
  maxConcurrentBatch?: number;
  /** Seed for requests without one (request k gets deriveSeed(seed, k)). */
  seed?: number;
  /** When set, every request must send `Authorization: Bearer <apiKey>` (GET /health excepted). */
  apiKey?: string;
  /** Access log: one line per finished request (method, path, status, milliseconds). */
  log?: (line: string) => void;
}

export interface OpenAIServer {
  url: string;
  port: number;
  modelId: string;
  engine: LocalEngine;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

export async function startOpenAIServer(opts: OpenAIServerOptions): Promise<OpenAIServer> {
  const { model, tokenizer } = opts.loaded ?? (await loadCheckpoint(opts.checkpoint));
  const engine = new LocalEngine(model, tokenizer, { maxBatch: opts.maxConcurrentBatch ?? 8 });
  const modelId = opts.modelId ?? basename(resolve(opts.checkpoint));
  const stops = stopTokenIds(tokenizer);
  const created = Math.floor(Date.now() / 1000);
  let counter = 0;

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const sendError = (res: ServerResponse, e: ApiError): void => sendJson(res, e.status, errorBody(e));

  async function readBody(req: IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY) return null;
      chunks.push(c);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (text === null) {
      return sendError(res, {
        status: 413,
        type: 'invalid_request_error',
        message: `body over ${MAX_BODY} bytes`,
      });
    }
    const parsed = parseChatBody(text);
    if (!parsed.ok) return sendError(res, parsed.error);
    const body: ChatCompletionBody = parsed.body;
    if (body.model !== modelId) {
      return sendError(res, {
        status: 404,
        type: 'not_found_error',
        message: `model "${body.model}" is not served here; this server serves "${modelId}"`,
        param: 'model',
        code: 'model_not_found',
      });
    }
    const messages = body.messages.map((m) => ({
      role: m.role === 'developer' ? ('system' as const) : m.role,
      content: contentText(m.content),
    }));
    const promptIds = chatPromptIds(tokenizer, messages);
    const room = model.config.ctx - promptIds.length;
    if (room <= 0) {
      return sendError(res, {
        status: 400,
        type: 'invalid_request_error',
        message: `prompt has ${promptIds.length} tokens; the model context is ${model.config.ctx}`,
        param: 'messages',
        code: 'context_length_exceeded',
      });
    }
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    const n = body.n ?? 1;
    const baseSeed = body.seed ?? deriveSeed(opts.seed ?? 0, counter++);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const stream = body.stream === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
      const c = {
        id,
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model: modelId,
        choices,
      };
      res.write(`data: ${JSON.stringify({ ...c, ...extra })}\n\n`);
    };
    if (stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      for (let i = 0; i < n; i++)
        chunk([{ index: i, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    }
    const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
    let outs: GenerationOutcome[];
    try {
      outs = await Promise.all(
        Array.from({ length: n }, (_v, i) =>
          engine.submit({
            promptIds,
            maxNewTokens: Math.min(body.max_completion_tokens ?? body.max_tokens ?? room, room),
            temperature: body.temperature ?? 1,
            topP: body.top_p ?? 1,
            seed: i === 0 ? baseSeed : deriveSeed(baseSeed, i),
            stopTokens: stops,
            stopStrings: stop,
            signal: abort.signal,
            topLogprobs: body.logprobs ? (body.top_logprobs ?? 0) : 0,
            onDelta: stream
              ? (d) => chunk([{ index: i, delta: { content: d }, finish_reason: null }])
              : undefined,
          }),
        ),
      );
    } catch (e) {
      if (abort.signal.aborted) return;
      if (stream) {
        res.write(
          `data: ${JSON.stringify(errorBody({ status: 500, type: 'server_error', message: (e as Error).message }))}\n\n`,
        );
        return void res.end();
      }
      return sendError(res, { status: 500, type: 'server_error', message: (e as Error).message });
    }
    const completionTokens = outs.reduce((s, o) => s + o.completionTokens, 0);
    const usage = {
      prompt_tokens: promptIds.length,
      completion_tokens: completionTokens,
      total_tokens: promptIds.length + completionTokens,
    };
    if (stream) {
      outs.forEach((o, i) => {
        const logprobs = body.logprobs ? { content: logprobsContent(tokenizer, o) } : null;
        chunk([{ index: i, delta: {}, finish_reason: o.finishReason, logprobs }]);
      });
      if (body.stream_options?.include_usage) chunk([], { usage });
      res.write('data: [DONE]\n\n');
      return void res.end();
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices: outs.map((o, i) => ({
        index: i,
        message: { role: 'assistant', content: o.text },
        finish_reason: o.finishReason,
        logprobs: body.logprobs ? { content: logprobsContent(tokenizer, o) } : null,
      })),
      usage,
    });
  }

  const modelCard = {
    id: modelId,
    object: 'model',
    created,
    owned_by: 'qed-nano',
    max_model_len: model.config.ctx,
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (opts.log) {
      const t0 = performance.now();
      res.on('finish', () =>
        opts.log?.(`${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - t0)}ms`),
      );
    }
    const route = `${req.method} ${path}`;
    const handle = async (): Promise<void> => {
      if (route === 'GET /health') return sendJson(res, 200, { ok: true, model: modelId });
      if (opts.apiKey && !authorized(req.headers.authorization, opts.apiKey)) {
        return sendError(res, {
          status: 401,
          type: 'invalid_request_error',
          message: 'missing or wrong API key',
          code: 'invalid_api_key',
        });
      }
      if (route === 'POST /v1/chat/completions') return chat(req, res);
      if (route === 'GET /v1/models') return sendJson(res, 200, { object: 'list', data: [modelCard] });
      if (route === `GET /v1/models/${modelId}`) return sendJson(res, 200, modelCard);
      const known = ['/v1/chat/completions', '/v1/models', '/health'].includes(path);
      sendError(res, {
        status: known ? 405 : 404,
        type: known ? 'invalid_request_error' : 'not_found_error',
        message: known ? `${req.method} is not allowed on ${path}` : `no route ${req.method} ${path}`,
      });
    };
    handle().catch((e: Error) => {
      if (!res.headersSent) sendError(res, { status: 500, type: 'server_error', message: e.message });
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    modelId,
    engine,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await engine.close();
    },
  };
}

function authorized(header: string | undefined, key: string): boolean {
  const got = Buffer.from(header ?? '');
  const want = Buffer.from(`Bearer ${key}`);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** OpenAI `logprobs.content` for the tokens that make up the returned text (a stop token or text cut off
 * by a stop string is left out). Log-probabilities are the model's own (temperature 1, before top-p). */
function logprobsContent(tokenizer: Tokenizer, out: GenerationOutcome): unknown[] {
  const entry = (t: TokenLogprob) => ({
    token: tokenizer.decode([t.token]),
    logprob: t.logprob,
    bytes: Array.from(tokenizer.vocab[t.token]),
  });
  const decoder = new TextDecoder('utf-8');
  let len = 0;
  const content: unknown[] = [];
  out.tokens.forEach((t, i) => {
    // At a 'length' finish every token is in the text; at a 'stop' only those starting before its end.
    if (out.finishReason === 'stop' && len >= out.text.length) return;
    len += decoder.decode(tokenizer.vocab[t.token], { stream: true }).length;
    content.push({ ...entry(t), top_logprobs: (out.top?.[i] ?? []).map(entry) });
  });
  return content;
}
