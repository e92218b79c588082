// Restoring a training run from its last checkpoint: weights into the live parameters (every name and
// size must match) and the optimizer's state, so a resumed run continues the same curve; and how often
// a run checkpoints.
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import type { GPT } from '../tiny/gpt.ts';
import type { AdamW } from '../tiny/optim.ts';

type Loaded = Awaited<ReturnType<typeof loadCheckpoint>>;

function restoreTraining(
  ckptDir: string,
  ck: Loaded,
  params: ReturnType<GPT['namedParameters']>,
  opt: AdamW,
): void {
  const loaded = new Map(ck.model.namedParameters().map((p) => [p.name, p.tensor.data]));
  for (const p of params) {
    const src = loaded.get(p.name);
    if (!src || src.length !== p.tensor.data.length)
      throw new Error(`${ckptDir}: parameter ${p.name} does not match`);
    p.tensor.data.set(src);
  }
  if (ck.optimizerState) opt.loadState(ck.optimizerState);
}

/**
 * Loads a run's last checkpoint into the live parameters and optimizer and returns the step it was
 * saved at; refuses a checkpoint whose trainer state does not match (`what` names what it must match).
 */
export async function resumeTraining<S extends { step: number }>(
  ckptDir: string,
  params: ReturnType<GPT['namedParameters']>,
  opt: AdamW,
  matches: (state: S) => boolean,
  what: string,
): Promise<number> {
  const ck = await loadCheckpoint(ckptDir);
  const st = ck.trainerState as S | undefined;
  if (!st || !matches(st)) throw new Error(`${ckptDir}: cannot resume: trainer state does not match ${what}`);
  restoreTraining(ckptDir, ck, params, opt);
  return st.step;
}

/**
 * Steps between checkpoints (the last step always saves): `saveEvery` when given, else `saves`
 * checkpoints spread evenly over the run's `steps`; 0 = only the last step.
 */
export function saveInterval(steps: number, o: { saveEvery?: number; saves?: number }): number {
  if (o.saveEvery) return o.saveEvery;
  return o.saves ? Math.max(1, Math.ceil(steps / o.saves)) : 0;
}
