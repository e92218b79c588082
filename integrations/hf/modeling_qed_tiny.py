"""The qed-nano tiny GPT for Hugging Face ``transformers`` (loaded with ``trust_remote_code=True``).

``qed export-model --format hf`` writes this file beside the weights of a model with previous-token
embeddings (``GPTConfig.prevTokens``, the demo's default). The model is GPT-NeoX (rotary positions,
sequential blocks, GELU tanh) plus one table of embeddings per look-back j = 1..k: the input of
position t adds row ``(j - 1) * (vocab + 1) + token[t - j]``, or row ``(j - 1) * (vocab + 1) + vocab``
("none") when t - j lies before the sequence's first token. Left padding is allowed: a row's first
token is its first position whose attention mask is 1.

Generation with a KV cache feeds only the new tokens; ``prepare_inputs_for_generation`` hands the
whole sequence along so the look-back still sees the tokens before them.
"""

import torch
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM


class QedTinyConfig(GPTNeoXConfig):
    model_type = "qed_tiny"

    def __init__(self, prev_tokens=0, **kwargs):
        super().__init__(**kwargs)
        self.prev_tokens = prev_tokens


class QedTinyForCausalLM(GPTNeoXForCausalLM):
    config_class = QedTinyConfig

    def __init__(self, config):
        super().__init__(config)
        rows = config.prev_tokens * (config.vocab_size + 1)
        self.prev_embed = torch.nn.Embedding(max(rows, 1), config.hidden_size)

    def _embed(self, full_ids, new, attention_mask):
        """Input embeddings of the last ``new`` positions of ``full_ids`` [B, T]."""
        T = full_ids.shape[1]
        if attention_mask is not None and attention_mask.shape[1] == T:
            pos = attention_mask.long().cumsum(-1) - 1
        else:
            pos = torch.arange(T, device=full_ids.device).expand(full_ids.shape[0], T)
        idx = torch.arange(T - new, T, device=full_ids.device)
        x = self.gpt_neox.embed_in(full_ids[:, idx])
        none = self.config.vocab_size
        for j in range(1, self.config.prev_tokens + 1):
            back = full_ids[:, (idx - j).clamp(min=0)]
            tok = torch.where(pos[:, idx] >= j, back, torch.full_like(back, none))
            x = x + self.prev_embed((j - 1) * (none + 1) + tok)
        return x

    def forward(self, input_ids=None, inputs_embeds=None, attention_mask=None, full_input_ids=None, **kwargs):
        if inputs_embeds is None and input_ids is not None:
            full = input_ids if full_input_ids is None else full_input_ids
            inputs_embeds = self._embed(full, input_ids.shape[1], attention_mask)
        return super().forward(inputs_embeds=inputs_embeds, attention_mask=attention_mask, **kwargs)

    def prepare_inputs_for_generation(self, input_ids, **kwargs):
        inputs = super().prepare_inputs_for_generation(input_ids, **kwargs)
        if inputs.get("input_ids") is not None:
            inputs["full_input_ids"] = input_ids
        return inputs
