// The openai client's fetch: what the client reads from a Response (status, headers, JSON body, an SSE
// stream as it arrives) is what a server sent, redirects are followed, and an abort stops the call.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatcherFetch } from './dispatcher-fetch.ts';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c();
});

async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closing.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client() {
  const agent = new Agent();
  closing.push(() => agent.close());
  return dispatcherFetch(agent);
}

describe('dispatcherFetch', () => {
  it('sends method, headers and body, and returns status, headers and the JSON body', async () => {
    const url = await serve((req, body, res) => {
      res.setHeader('x-echo-auth', String(req.headers.authorization));
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, path: req.url, body: JSON.parse(body) }));
    });
    const headers = new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' });
    const r = await client()(`${url}/v1/chat?x=1`, { method: 'POST', headers, body: '{"a":1}' });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-echo-auth')).toBe('Bearer k');
    expect(r.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await r.json()).toEqual({ method: 'POST', path: '/v1/chat?x=1', body: { a: 1 } });
  });

  it('keeps an error status and its body for the client to read', async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
      res.end('{"error":{"message":"slow down"}}');
    });
    const r = await client()(`${url}/v1`, { method: 'POST', headers: {}, body: '{}' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(await r.text()).toContain('slow down');
  });

  it('returns an empty body for 204', async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(204);
      res.end();
    });
    const r = await client()(`${url}/`, {});
    expect(r.status).toBe(204);
    expect(await r.text()).toBe('');
  });

  it('follows a redirect, keeping method and body on 307', async () => {
    const url = await serve((req, body, res) => {
      if (req.url === '/old') {
        res.writeHead(307, { location: '/new' });
        res.end();
      } else res.end(`${req.method} ${req.url} ${body}`);
    });
    const r = await client()(`${url}/old`, { method: 'POST', headers: {}, body: 'payload' });
    expect(await r.text()).toBe('POST /new payload');
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decompresses a body the server compressed with %s', async (encoding, compress) => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end(compress('{"choices":[]}'));
    });
    const r = await client()(`${url}/`, {});
    expect(r.headers.get('content-encoding')).toBeNull();
    expect(await r.json()).toEqual({ choices: [] });
  });

  it('hands over an event stream as it arrives', async () => {
    let finish = () => {};
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      finish = () => res.end('data: two\n\n');
    });
    const r = await client()(`${url}/`, {});
    const reader = r.body!.getReader();
    const first = await reader.read(); // arrives while the server still holds the stream open
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    finish();
    let rest = '';
    for (let c = await reader.read(); !c.done; c = await reader.read())
      rest += new TextDecoder().decode(c.value);
    expect(rest).toBe('data: two\n\n');
  });

  it('ends a stalled event stream with an error when the signal fires mid-stream', async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n'); // and then nothing more
    });
    const ctrl = new AbortController();
    const r = await client()(`${url}/`, { signal: ctrl.signal });
    const reader = r.body!.getReader();
    await reader.read();
    setTimeout(() => ctrl.abort(), 20);
    await expect(reader.read()).rejects.toThrow();
  });

  it('refuses a request body it does not support, naming its type', async () => {
    await expect(client()('http://127.0.0.1:9/', { method: 'POST', body: new FormData() })).rejects.toThrow(
      /unsupported request body \(\[object FormData\]\)/,
    );
  });

  it('rejects with an AbortError when the signal fires', async () => {
    const url = await serve(() => {}); // never answers
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    await expect(client()(`${url}/`, { signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
