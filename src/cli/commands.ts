// The list of CLI commands. Add one import and one entry per command file.
import type { Command } from 'commander';
import { registerData } from './data.ts';
import { registerSchema } from './schema.ts';

export const commands: Array<(program: Command) => void> = [registerSchema, registerData];
