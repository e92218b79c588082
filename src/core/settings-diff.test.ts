import { describe, expect, it } from 'vitest';
import { firstSettingChange, settingLeaves } from './settings-diff.ts';

describe('settings compared on resume', () => {
  it.each([
    ['same settings', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, undefined, null],
    [
      'a nested change is named by its path',
      { rl: { steps: 150, lr: 1e-4 } },
      { rl: { steps: 60, lr: 1e-4 } },
      undefined,
      { key: 'rl.steps', was: '150', now: '60' },
    ],
    ['a new setting', { a: 1 }, { a: 1, b: true }, undefined, { key: 'b', was: 'unset', now: 'true' }],
    ['a removed setting', { a: 1, b: 'x' }, { a: 1 }, undefined, { key: 'b', was: '"x"', now: 'unset' }],
    [
      'arrays compare whole',
      { s: [1, 2] },
      { s: [2, 1] },
      undefined,
      { key: 's', was: '[1,2]', now: '[2,1]' },
    ],
    ['only the listed keys count', { model: 'm', note: 'x' }, { model: 'm', note: 'y' }, ['model'], null],
    [
      'a listed key that changed',
      { model: 'm', sampling: { temperature: 0.3 } },
      { model: 'm', sampling: { temperature: 0.8 } },
      ['model', 'sampling'],
      { key: 'sampling.temperature', was: '0.3', now: '0.8' },
    ],
    ['a listed key absent on both sides', { model: 'm' }, { model: 'm' }, ['model', 'scaffoldOptions'], null],
  ] as const)('%s', (_name, before, now, keys, want) => {
    expect(firstSettingChange(before, now, keys)).toEqual(want);
  });

  it('walks objects to their leaves', () => {
    expect([...settingLeaves({ a: { b: 1, c: { d: null } }, e: [1] })]).toEqual([
      ['a.b', '1'],
      ['a.c.d', 'null'],
      ['e', '[1]'],
    ]);
  });
});
