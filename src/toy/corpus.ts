// The small unstructured pretraining corpus for the "base" model: arithmetic facts mod m, residue
// tables, factorisation identities, sentences about numbers and problem statements — but no proofs
// in the house style, so the base model can write numbers and words and not much more. Optionally a
// share of lookup lines: a list of lettered operations with some read back by letter, and a lettered
// list of values copied out again — the find-by-key-and-copy skill that a proof needs to apply step
// f's operation and a refinement needs to carry a summary's values, practised on no proof at all.
import { Rng, deriveSeed } from '../core/rng.ts';
import { casePoly } from './generate.ts';
import { carried } from './proof-lines.ts';
import { type Op, ROAD_SHIFTS, applyOp, consecutiveProduct, formatOps, polyResidues } from './spec.ts';

function fact(rng: Rng): string {
  const m = rng.int(3, 11);
  const a = rng.int(0, m - 1);
  const k = rng.int(1, 9);
  const op = rng.next() < 0.5 ? '+' : '*';
  const c = applyOp(a, op, k, m);
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

/** `Apply a+1 b*2 … in turn. Then d*2, a+1.`: operations read back by their letters. */
function opLookup(rng: Rng): string {
  const n = rng.int(3, 20);
  const ops: Op[] = Array.from({ length: n }, () => ({ op: rng.next() < 0.5 ? '+' : '*', k: rng.int(1, 4) }));
  const asked = Array.from({ length: rng.int(2, 5) }, () => rng.int(0, n - 1));
  const terms = formatOps(ops).split(' ');
  return `Apply ${terms.join(' ')}. Then ${asked.map((i) => terms[i]).join(', ')}.`;
}

/** `Known: A 4 B 0 C 3. Again: A 4 B 0 C 3.`: lettered values copied out. */
function copyList(rng: Rng): string {
  const n = rng.int(2, 20);
  const m = rng.int(3, 11);
  const values = carried(Array.from({ length: n }, () => rng.int(0, m - 1)));
  return `Known: ${values}. Again: ${values}.`;
}

/**
 * Returns the corpus as text, one paragraph per line. `statements` (training problems only, so
 * nothing held out leaks into pretraining) are mixed in without proofs. `lookup` is the share of
 * lookup lines (half operations read back, half values copied out), 0 by default.
 */
export function pretrainCorpus(opts: {
  seed: number;
  lines?: number;
  lookup?: number;
  statements: readonly string[];
}): string {
  const { seed, lines = 4000, lookup = 0, statements } = opts;
  if (!(lookup >= 0 && lookup <= 1))
    throw new Error(`pretrainCorpus: lookup must be in [0, 1] (got ${lookup})`);
  const rng = new Rng(deriveSeed(seed, 'corpus'));
  const out: string[] = [];
  const half = lookup / 2;
  const rest = 1 - lookup;
  for (let i = 0; i < lines; i++) {
    const u = rng.next();
    if (u < half) out.push(opLookup(rng));
    else if (u < lookup) out.push(copyList(rng));
    else if (u < lookup + 0.45 * rest) out.push(`${fact(rng)} ${fact(rng)}`);
    else if (u < lookup + 0.65 * rest) out.push(table(rng));
    else if (u < lookup + 0.8 * rest) out.push(identity(rng));
    else if (statements.length) out.push(rng.pick(statements));
    else out.push(fact(rng));
  }
  return out.join('\n');
}
