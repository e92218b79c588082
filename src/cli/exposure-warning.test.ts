// A server told to listen beyond loopback without a key warns once on stderr; loopback or a key: silence.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { warnIfExposed } from './exposure-warning.ts';

describe('warnIfExposed', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['0.0.0.0', false, 1],
    ['192.168.1.5', false, 1],
    ['0.0.0.0', true, 0],
    ['127.0.0.1', false, 0],
    ['localhost', false, 0],
    ['::1', false, 0],
  ])('host %s, guarded %s: %i warning lines', (host, guarded, lines) => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    warnIfExposed(host, guarded, 'without QED_SERVE_API_KEY');
    expect(write).toHaveBeenCalledTimes(lines);
    if (lines)
      expect(String(write.mock.calls[0][0])).toBe(
        `warning: listening on ${host} without QED_SERVE_API_KEY; anyone who can reach it can use it\n`,
      );
  });
});
