import { describe, expect, it } from 'vitest';
import { Progress } from './progress.ts';

function fakeStream(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('Progress (non-terminal)', () => {
  it('prints the final state once, with its status', () => {
    const { stream, lines } = fakeStream();
    const p = new Progress({ label: 'gen', total: 3, stream, intervalMs: 60_000 });
    p.tick();
    p.tick();
    p.tick(1, 'loss 0.5');
    p.finish();
    expect(lines.filter((l) => l.startsWith('gen 3/3'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^gen 3\/3 100% .*loss 0\.5\n$/);
  });

  it('prints nothing when quiet', () => {
    const { stream, lines } = fakeStream();
    const p = new Progress({ label: 'x', total: 1, stream, quiet: true });
    p.tick();
    p.finish();
    expect(lines).toEqual([]);
  });
});
