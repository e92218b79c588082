// Human-readable end-of-run summary for `qed generate` (printed on stderr; `--json` prints the object).
import type { GenerateSummary } from './run-generate.ts';

export interface SummaryExtras {
  retries?: number;
  unpricedModels?: string[];
}

export function formatGenerateSummary(s: GenerateSummary, extras: SummaryExtras = {}): string {
  const lines = [
    `run: ${s.dir}`,
    `attempts: ${s.recorded}/${s.expected} recorded (${s.skipped} already done, ${s.generated} generated now${
      s.interrupted ? ', interrupted: rerun with --resume' : ''
    })`,
    `this run: ${s.ok} ok, ${s.failed} failed, ${s.truncated} cut at max tokens, ${s.empty} empty, ${s.cached} from cache${
      extras.retries !== undefined ? `, ${extras.retries} retries` : ''
    }`,
  ];
  for (const [code, f] of Object.entries(s.failures))
    lines.push(`  failed ${code} × ${f.count}: ${f.example}`);
  if (s.totalFailed > s.failed)
    lines.push(`recorded failures in the run: ${s.totalFailed} (rerun with --resume --retry-failed)`);
  const u = s.usage;
  lines.push(
    `tokens: ${u.promptTokens} prompt, ${u.completionTokens} completion (${u.reasoningTokens} reasoning); cost $${s.cost.toFixed(4)}; ${s.wallS.toFixed(1)} s`,
  );
  if (extras.unpricedModels?.length) {
    lines.push(
      `no price for ${extras.unpricedModels.join(', ')}: cost counted as 0 (add it under "prices" in --config)`,
    );
  }
  return `${lines.join('\n')}\n`;
}
