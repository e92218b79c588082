// The small unstructured pretraining corpus for the "base" model: arithmetic facts mod m, residue
// tables, factorisation identities, sentences about numbers and problem statements — but no proofs
// in the house style, so the base model can write numbers and words and not much more.
import { Rng, deriveSeed } from '../core/rng.ts';
import { casePoly } from './generate.ts';
import { ROAD_SHIFTS, consecutiveProduct, mod, polyResidues } from './spec.ts';

function fact(rng: Rng): string {
  const m = rng.int(3, 11);
  const a = rng.int(0, m - 1);
  const k = rng.int(1, 9);
  const op = rng.next() < 0.5 ? '+' : '*';
  const c = mod(op === '+' ? a + k : a * k, m);
  return rng.pick([
    `${a}${op}${k} = ${c} (mod ${m}).`,
    `Modulo ${m}, ${a}${op}${k} leaves ${c}.`,
    `We know that ${a}${op}${k} is ${c} mod ${m}.`,
  ]);
}

function table(rng: Rng): string {
  const poly = casePoly(rng);
  const m = rng.int(2, 9);
  return `Values of ${poly} mod ${m} for n = 0 to ${m - 1}: ${polyResidues(poly, m).join(' ')}.`;
}

function identity(rng: Rng): string {
  const p = consecutiveProduct(rng.int(ROAD_SHIFTS.min, ROAD_SHIFTS.max), rng.int(2, 3));
  return rng.pick([
    `One can write ${p.text} as ${p.factor}.`,
    `The product ${p.factor} has ${p.run} consecutive factors.`,
    `Among ${p.run} consecutive integers one is a multiple of ${p.run}.`,
  ]);
}

/**
 * Returns the corpus as text, one paragraph per line. `statements` (training problems only, so
 * nothing held out leaks into pretraining) are mixed in without proofs.
 */
export function pretrainCorpus(opts: {
  seed: number;
  lines?: number;
  statements: readonly string[];
}): string {
  const { seed, lines = 4000, statements } = opts;
  const rng = new Rng(deriveSeed(seed, 'corpus'));
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const u = rng.next();
    if (u < 0.45) out.push(`${fact(rng)} ${fact(rng)}`);
    else if (u < 0.65) out.push(table(rng));
    else if (u < 0.8) out.push(identity(rng));
    else if (statements.length) out.push(rng.pick(statements));
    else out.push(fact(rng));
  }
  return out.join('\n');
}
