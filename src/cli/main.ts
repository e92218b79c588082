// Entry point of the `qed` command line. Each command lives in its own file under src/cli/ and
// registers itself on the program; only the command being run is loaded. Commands parse options and
// call library functions.
import { Command } from 'commander';
import { environmentInfo } from '../core/environment.ts';
import { commandsFor } from './commands.ts';

const program = new Command();
program
  .name('qed')
  .description('Train and evaluate proof-writing language models with rubric rewards (the QED-Nano recipe).')
  .version(environmentInfo().qedVersion)
  .showHelpAfterError();

try {
  const entries = commandsFor(process.argv.slice(2));
  for (const register of await Promise.all(entries.map((c) => c.load()))) register(program);
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`qed: ${(e as Error).message}\n`);
  process.exitCode = process.exitCode || 1;
}
