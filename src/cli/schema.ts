// `qed schema NAME`: print the JSON Schema of a core record type.
import type { Command } from 'commander';
import { jsonSchemaOf, schemas } from '../core/schemas.ts';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description(`print the JSON Schema of a record type (${Object.keys(schemas).join(', ')})`)
    .argument('<name>', 'record type')
    .action((name: string) => {
      process.stdout.write(`${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
    });
}
