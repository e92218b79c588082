// Helper for test_hf_export.py: reads an HF tokenizer.json with our reader and prints, as JSON on stdout,
// our ids for each line of a UTF-8 JSON list of texts — so Python can compare them with HF tokenizers.
// Usage: npx tsx tests/interop/encode-with-ours.ts TOKENIZER_JSON TEXTS_JSON
import { readFileSync } from 'node:fs';
import { fromHfTokenizerJson } from '../../src/tiny/tokenizer-hf.ts';

const [tokPath, textsPath] = process.argv.slice(2);
const tok = fromHfTokenizerJson(JSON.parse(readFileSync(tokPath, 'utf8')), tokPath);
const texts = JSON.parse(readFileSync(textsPath, 'utf8')) as string[];
process.stdout.write(JSON.stringify(texts.map((t) => tok.encode(t))));
