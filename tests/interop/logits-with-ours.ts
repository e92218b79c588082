// Helper for test_hf_export.py: loads a model directory with our loadCheckpoint (our format or an HF GPT-2
// saved by transformers) and prints our logits for the given token ids as JSON on stdout.
// Usage: npx tsx tests/interop/logits-with-ours.ts MODEL_DIR IDS_JSON
import { readFileSync } from 'node:fs';
import { loadCheckpoint } from '../../src/tiny/checkpoint.ts';
import { noGrad } from '../../src/tiny/tensor.ts';

const [dir, idsPath] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsPath, 'utf8')) as number[];
const { model } = await loadCheckpoint(dir);
const logits = noGrad(() => model.forward(Int32Array.from(ids), 1, ids.length)); // [1, T, V]
process.stdout.write(JSON.stringify({ shape: logits.shape, logits: Array.from(logits.data) }));
