// `qed view DIR [--port P] [--host H]`: browse one eval run in a local web viewer (127.0.0.1 by default).
import type { Command } from 'commander';
import { warnIfExposed } from './exposure-warning.ts';

export function registerView(program: Command): void {
  program
    .command('view')
    .description('browse an eval run: problems, scores, attempts turn by turn, judge assessments')
    .argument('<dir>', 'run directory (run.json, or attempts.jsonl + grades.jsonl while running)')
    .option('--port <n>', 'port (0 = any free port)', (v) => Number.parseInt(v, 10), 8377)
    .option(
      '--host <host>',
      'interface to bind; anything but loopback exposes the run to the network',
      '127.0.0.1',
    )
    .option('--dataset <file>', 'problems file, when the run does not record where its dataset is')
    .option('--json', 'print {"url": …} on stdout once serving')
    .action(async (dir: string, opts: { port: number; host: string; dataset?: string; json?: boolean }) => {
      const t0 = performance.now();
      const { startViewer } = await import('../viewer/index.ts');
      const viewer = await startViewer({ dir, port: opts.port, host: opts.host, dataset: opts.dataset });
      const ms = Math.round(performance.now() - t0);
      process.stderr.write(
        `loaded ${viewer.index.rows.length} samples in ${ms} ms\nqed view: ${viewer.url} (Ctrl-C to stop)\n`,
      );
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ url: viewer.url, samples: viewer.index.rows.length })}\n`);
      warnIfExposed(opts.host, false, '(the viewer has no key)');
      const stop = () => void viewer.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
