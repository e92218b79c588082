// Test helper run as a child process: saves a checkpoint and kills itself with SIGKILL at a chosen stage
// of the atomic save, to prove a real crash leaves the previous checkpoint loadable.
// Usage: node --import tsx checkpoint-crash.fixture.ts DIR STAGE(written|swapped)
import { saveCheckpoint } from './checkpoint.ts';
import { createGPT } from './gpt.ts';
import { trainBpe } from './tokenizer-train.ts';

const [dir, stage] = process.argv.slice(2);
const tokenizer = trainBpe('crash test corpus', { vocabSize: 270 });
const model = createGPT({ vocab: 270, ctx: 16, layers: 1, dModel: 16, heads: 2 }, 999);
await saveCheckpoint(dir, {
  model,
  tokenizer,
  onStage: (s) => {
    if (s === stage) process.kill(process.pid, 'SIGKILL');
  },
});
