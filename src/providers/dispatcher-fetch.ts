// A `fetch` for the openai client built on undici's dispatcher `request` API instead of its WHATWG
// fetch. The client needs only a Response with status, headers and a body; the full fetch algorithm
// (request objects, stream pipes, CORS and cache steps) cost about as much CPU per call as everything
// else in an eval together (bench/eval-throughput.ts). A JSON body is read whole before the Response is
// made; a `text/event-stream` body is handed over as a stream so SSE stays incremental.
import { Readable } from 'node:stream';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { interceptors } from 'undici';
import type { Dispatcher } from 'undici';

/** Content encodings a server may use unasked (the client asks for none). */
const DECODERS: Partial<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

type Init = { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null };

/**
 * A fetch over `agent`. As fetch would, it follows redirects (a proxy's http → https, a moved base
 * URL) and decompresses a body that a server compressed unasked.
 */
export function dispatcherFetch(agent: Dispatcher): typeof fetch {
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 5 }));
  return (async (input: string | URL | { url: string }, init: Init = {}) => {
    const url = new URL(typeof input === 'object' && 'url' in input ? input.url : String(input));
    // The client sends JSON text; other bodies (form uploads, streams) are not needed and not supported.
    if (init.body != null && typeof init.body !== 'string' && !(init.body instanceof Uint8Array))
      throw new TypeError(
        `dispatcherFetch: unsupported request body (${Object.prototype.toString.call(init.body)})`,
      );
    const res = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: headerPairs(init.headers),
      body: (init.body ?? null) as string | Uint8Array | null,
      signal: init.signal ?? undefined,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else if (v !== undefined) headers.append(k, v);
    }
    if (NULL_BODY.has(res.statusCode) || init.method === 'HEAD') {
      res.body.resume();
      return new Response(null, { status: res.statusCode, headers });
    }
    const decoder = DECODERS[headers.get('content-encoding')?.trim().toLowerCase() ?? ''];
    if (decoder) {
      headers.delete('content-encoding');
      headers.delete('content-length');
    }
    const raw: Readable = decoder ? res.body.pipe(decoder()) : res.body;
    if (decoder) res.body.on('error', (e) => raw.destroy(e));
    const sse = headers.get('content-type')?.includes('text/event-stream') ?? false;
    const body = sse
      ? (Readable.toWeb(raw) as ReadableStream<Uint8Array>)
      : decoder
        ? new Uint8Array(Buffer.concat(await raw.toArray()))
        : new Uint8Array(await res.body.arrayBuffer());
    return new Response(body, { status: res.statusCode, headers });
  }) as unknown as typeof fetch;
}

/** The client passes a Headers object or a plain record; undici takes a flat record. */
function headerPairs(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  const entries =
    typeof (h as Headers).forEach === 'function' && typeof (h as Headers).get === 'function'
      ? [...(h as Headers).entries()]
      : Object.entries(h as Record<string, string>);
  for (const [k, v] of entries) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}
