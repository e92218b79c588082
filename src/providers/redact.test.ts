// Secret masking, table-driven: registered keys, bearer tokens, sk- keys, URL passwords and query keys;
// base URLs made fit to print or record.
import { describe, expect, it } from 'vitest';
import { redact, redactUrl, registerSecret, registerUrlSecrets } from './redact.ts';

registerSecret('plain-registered-secret-value');

describe('redact', () => {
  it.each([
    ['failed with plain-registered-secret-value inside', 'failed with *** inside'],
    ['Authorization: Bearer abc.def-123', 'Authorization: Bearer ***'],
    ['key sk-proj-ABCDEF12345678 rejected', 'key sk-*** rejected'],
    [
      'cannot fetch http://user:hunter2@10.0.0.1:8000/v1/chat',
      'cannot fetch http://user:***@10.0.0.1:8000/v1/chat',
    ],
    ['http://10.0.0.1:8000/v1 is down', 'http://10.0.0.1:8000/v1 is down'],
    ['GET http://h/v1/chat?key=AIzaQUERYKEY1&alt=sse', 'GET http://h/v1/chat?key=***&alt=sse'],
    [
      'http://h/v1?api-version=1&access_token=abc123 failed',
      'http://h/v1?api-version=1&access_token=*** failed',
    ],
    ['http://h/v1?X-Amz-Signature=deadbeef', 'http://h/v1?X-Amz-Signature=***'],
    ['nothing secret here', 'nothing secret here'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe('redactUrl', () => {
  it.each([
    ['http://127.0.0.1:1/v1?key=sk-AUDIT-QUERY-111', 'http://127.0.0.1:1/v1?key=***'],
    [
      'https://u:p4ssw0rd@h.example/v1?api-version=2024-10-21&code=abc#frag',
      'https://h.example/v1?api-version=***&code=***',
    ],
    ['https://KEYASUSERNAME@h.example/v1', 'https://h.example/v1'],
    ['http://10.0.0.1:8000/v1', 'http://10.0.0.1:8000/v1'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    // What the run record does with it: a second parse leaves it as it is.
    expect(new URL(redactUrl(input)).toString()).toBe(expected);
  });

  it('registers the values a URL carries so errors that echo it are masked', () => {
    registerUrlSecrets('http://h/v1?opaque=Zm9vYmFyYmF6MTIz&v=1');
    expect(redact('connect failed for Zm9vYmFyYmF6MTIz')).toBe('connect failed for ***');
  });
});
