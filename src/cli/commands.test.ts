import { describe, expect, it } from 'vitest';
import { commands, commandsFor } from './commands.ts';

describe('command table', () => {
  it('loads only the command being run, and everything for help', () => {
    expect(commandsFor(['generate', '--dataset', 'x']).map((c) => c.name)).toEqual(['generate']);
    expect(commandsFor(['--json', 'data', 'inspect']).map((c) => c.name)).toEqual(['data']);
    expect(commandsFor(['--help'])).toHaveLength(commands.length);
    expect(commandsFor(['no-such-command'])).toHaveLength(commands.length);
  });

  it('names every command once, each registering a command of that name', async () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const { Command } = await import('commander');
    for (const entry of commands) {
      const program = new Command();
      (await entry.load())(program);
      expect(program.commands.map((c) => c.name())).toContain(entry.name);
    }
  });
});
