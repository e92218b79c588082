// Entry point of the `qed` command line. Each command lives in its own file under src/cli/ and
// registers itself on the program; commands parse options and call library functions.
import { Command } from 'commander';
import { environmentInfo } from '../core/environment.ts';
import { commands } from './commands.ts';

const program = new Command();
program
  .name('qed')
  .description('Train and evaluate proof-writing language models with rubric rewards (the QED-Nano recipe).')
  .version(environmentInfo().qedVersion)
  .showHelpAfterError();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`qed: ${(e as Error).message}\n`);
  process.exitCode = process.exitCode || 1;
}
