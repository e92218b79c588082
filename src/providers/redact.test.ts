// Secret masking, table-driven: registered keys, bearer tokens, sk- keys and URL passwords.
import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from './redact.ts';

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
    ['nothing secret here', 'nothing secret here'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});
