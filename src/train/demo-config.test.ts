import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULL_DEMO, readDemoConfig, withOverrides } from './demo-config.ts';

describe('demo config overrides', () => {
  it('merges nested settings and leaves the rest alone', () => {
    const c = withOverrides(FULL_DEMO, { rl: { steps: 7 }, train: 10 });
    expect(c.rl).toEqual({ ...FULL_DEMO.rl, steps: 7 });
    expect(c.train).toBe(10);
    expect(c.sft).toEqual(FULL_DEMO.sft);
    expect(FULL_DEMO.rl.steps).not.toBe(7);
  });

  it.each([
    [{ rl: { stpes: 3 } }, /unknown setting "rl.stpes"/],
    [{ rl: { steps: '3' } }, /"rl.steps" must be a number/],
    [{ sft: { pack: 1 } }, /"sft.pack" must be a boolean/],
    [{ model: 3 }, /model must be an object/],
    [[1], /the top level must be an object/],
  ])('rejects %j', (over, msg) => {
    expect(() => withOverrides(FULL_DEMO, over)).toThrow(msg);
  });

  it('names the file when it is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-demo-config-'));
    const path = join(dir, 'c.json');
    writeFileSync(path, '{"rl": {');
    expect(() => readDemoConfig(path)).toThrow(`${path}: not valid JSON`);
    writeFileSync(path, '{"rl": {"steps": 80}}');
    expect(readDemoConfig(path)).toEqual({ rl: { steps: 80 } });
  });
});
