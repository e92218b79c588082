// Public surface of the embedded model engine: tensors with autodiff, the GPT, AdamW, KV-cache sampling
// and log-probs. The compute backend (native OpenBLAS addon or plain TypeScript) is picked at first use;
// `backendInfo()` says which, `QED_BACKEND=js` forces the fallback.
//
// Usage:
//   const model = createGPT({ vocab: 512, ctx: 128, layers: 2, dModel: 64, heads: 4 }, 42);
//   const opt = new AdamW(model.namedParameters(), { lr: 3e-4, weightDecay: 0.1 });
//   const lrAt = cosineSchedule({ lr: 3e-4, warmupSteps: 10, totalSteps: 1000 });
//   const logits = model.forward(inputs /* Int32Array B*T */, B, T);            // [B, T, V]
//   const loss = crossEntropy(logits, targets, { ignoreIndex: -100, weights }); // scalar
//   opt.zeroGrad(); loss.backward(); clipGradNorm(model.namedParameters(), 1.0); opt.step(lrAt(step));
//   const outs = sample(model, { prompts: [[1, 2, 3]], seeds: [7], maxNewTokens: 64, temperature: 1,
//                                topP: 0.95, stopTokens: [0] });               // [{tokens, logprobs, finishReason}]
//   const { logprobs, entropy, mask } = sequenceLogProbs(model, seqs, { entropy: true }); // differentiable
//   const old = scoreLogProbs(model, seqs);                                      // fast, no grad
export { backendInfo, type BackendInfo } from './backend.ts';
export { Tensor, noGrad, type Shape } from './tensor.ts';
export * from './ops-basic.ts';
export * from './ops-nn.ts';
export {
  GPT,
  createGPT,
  validateConfig,
  type GPTConfig,
  type NamedParameter,
  type ForwardOptions,
} from './gpt.ts';
export {
  AdamW,
  clipGradNorm,
  cosineSchedule,
  type AdamWOptions,
  type AdamWState,
  type ScheduleOptions,
} from './optim.ts';
export { KVCache, forwardCached, type CacheItem } from './kv-cache.ts';
export { sample, type SampleOptions, type SampleResult } from './sample.ts';
export {
  completionLogProbs,
  scoreLogProbs,
  sequenceLogProbs,
  type CompletionLogProbs,
  type SequenceLogProbs,
} from './logprobs.ts';
// Tokenizer, checkpoints and HF interop (byte-level BPE, safetensors, HF GPT-2 / GPT-NeoX export and import).
export * from './tokenizer.ts';
export * from './tokenizer-train.ts';
export * from './tokenizer-hf.ts';
export * from './chat-template.ts';
export * from './safetensors.ts';
export * from './checkpoint.ts';
export * from './checkpoint-hf.ts';
export * from './hf-export.ts';
export * from './hf-neox.ts';
