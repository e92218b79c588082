// `qed mock-server --faults` spec parsing, table-driven.
import { describe, expect, it } from 'vitest';
import { parseFaults } from './mock-server.ts';

describe('parseFaults', () => {
  it.each([
    ['rate_limit=0.1,hang=0.05', { rate_limit: 0.1, hang: 0.05 }],
    ['all=0.1', { rate_limit: 0.1, server_error: 0.1, hang: 0.1, malformed: 0.1, truncate: 0.1 }],
    [' truncate = 0.2 ', { truncate: 0.2 }],
    ['', {}],
  ])('%j', (spec, expected) => {
    expect(parseFaults(spec)).toEqual(expected);
  });

  it.each([
    ['teapot=0.1', /unknown fault "teapot"/],
    ['hang', /needs KIND=RATE/],
    ['hang=2', /in \[0, 1\]/],
    ['all=0.3', /add up to 1\.5/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(message);
  });
});
