import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULL_DEMO, QUICK_DEMO, readDemoConfig, withOverrides } from './demo-config.ts';

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
    [{ sft: { lr: -1 } }, /"sft.lr" must be > 0, got -1/],
    [{ rl: { temperature: 0 } }, /"rl.temperature" must be > 0/],
    [{ sft: { batchSize: 0 } }, /"sft.batchSize" must be an integer ≥ 1, got 0/],
    [{ sft: { epochs: 1.5 } }, /"sft.epochs" must be an integer ≥ 1/],
    [{ rl: { steps: 0 } }, /"rl.steps" must be an integer ≥ 1/],
    [{ rc: { groupSize: 1 } }, /"rc.groupSize" must be an integer ≥ 2/],
    [{ eval: { topP: 1.5 } }, /"eval.topP" must be in \(0, 1\]/],
    [{ sft: { rcFraction: 2 } }, /"sft.rcFraction" must be in \[0, 1\]/],
    [{ model: { positions: 'alibi' } }, /"model.positions" must be "learned" or "rope"/],
    [{ rl: { probe: 1 } }, /"rl.probe" must be from 2 to "rl.groupSize" \(16\), got 1/],
  ])('rejects %j', (over, msg) => {
    expect(() => withOverrides(FULL_DEMO, over)).toThrow(msg);
  });

  it('accepts both shipped configurations and zero where zero means none', () => {
    expect(withOverrides(FULL_DEMO, FULL_DEMO)).toEqual(FULL_DEMO);
    expect(withOverrides(QUICK_DEMO, QUICK_DEMO)).toEqual(QUICK_DEMO);
    expect(withOverrides(FULL_DEMO, { rl: { probe: 0 }, model: { prevTokens: 0 } }).rl.probe).toBe(0);
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
