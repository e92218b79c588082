"""HF interop of `qed export-model --format hf`, checked with the Python ecosystem's own readers.

A fixture script (tests/interop/hf-export-fixture.ts) builds and saves a small GPT checkpoint and writes
our logits and token ids; `qed export-model` converts the checkpoint; then `transformers`, `safetensors`
and `tokenizers` load the result and must agree with our numbers.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")
tokenizers = pytest.importorskip("tokenizers")
safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _run(args, cwd=ROOT):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    if shutil.which("node") is None or not (ROOT / "node_modules" / "tsx").exists():
        pytest.skip("node and the npm dependencies (npm ci) are needed")
    out = tmp_path_factory.mktemp("hf-export")
    _run(["node", "--import", "tsx", "tests/interop/hf-export-fixture.ts", str(out)])
    _run(["node", "bin/qed.js", "export-model", str(out / "ckpt"), "--format", "hf", "--out", str(out / "hf")])
    ours = json.loads((out / "ours.json").read_text(encoding="utf-8"))
    return out, ours


def test_transformers_logits_match_ours(exported):
    out, ours = exported
    model = transformers.AutoModelForCausalLM.from_pretrained(out / "hf")
    model.eval()
    assert type(model).__name__ == "GPT2LMHeadModel"
    with torch.no_grad():
        logits = model(torch.tensor([ours["promptIds"]])).logits.numpy()
    expected = np.array(ours["logits"], dtype=np.float32).reshape(ours["logitsShape"])
    assert logits.shape == expected.shape
    assert np.abs(expected).max() > 0.5, "logits too small for the comparison to mean anything"
    diff = np.abs(logits - expected).max()
    assert diff < 1e-4, f"max |logit difference| = {diff}"


def test_transformers_loads_a_rotary_model_as_gpt_neox(exported, tmp_path):
    """A model with rotary positions exports as GPT-NeoX; transformers' logits match ours past position 64."""
    out, _ = exported
    _run(["node", "bin/qed.js", "export-model", str(out / "ckpt-rope"), "--format", "hf", "--out", str(tmp_path / "hf")])
    ours = json.loads((out / "ours-rope.json").read_text(encoding="utf-8"))
    model = transformers.AutoModelForCausalLM.from_pretrained(tmp_path / "hf")
    model.eval()
    assert type(model).__name__ == "GPTNeoXForCausalLM"
    with torch.no_grad():
        logits = model(torch.tensor([ours["ids"]])).logits.numpy()
    expected = np.array(ours["logits"], dtype=np.float32).reshape(ours["logitsShape"])
    assert logits.shape == expected.shape and expected.shape[1] > 64
    assert np.abs(expected).max() > 0.5, "logits too small for the comparison to mean anything"
    diff = np.abs(logits - expected).max()
    assert diff < 1e-4, f"max |logit difference| = {diff}"


def test_safetensors_reads_every_tensor(exported):
    out, _ = exported
    cfg = json.loads((out / "hf" / "config.json").read_text())
    d, v, t = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
    hf = safetensors_numpy.load_file(str(out / "hf" / "model.safetensors"))
    assert hf["transformer.wte.weight"].shape == (v, d)
    assert hf["transformer.wpe.weight"].shape == (t, d)
    for layer in range(cfg["n_layer"]):
        p = f"transformer.h.{layer}."
        assert hf[p + "attn.c_attn.weight"].shape == (d, 3 * d)  # Conv1D: [in, out]
        assert hf[p + "mlp.c_fc.weight"].shape == (d, 4 * d)
        assert hf[p + "mlp.c_proj.weight"].shape == (4 * d, d)
    assert len(hf) == 2 + 12 * cfg["n_layer"] + 2
    assert all(a.dtype == np.float32 and np.isfinite(a).all() for a in hf.values())
    ours = safetensors_numpy.load_file(str(out / "ckpt" / "model.safetensors"))
    assert {f"transformer.{k}" for k in ours} == set(hf)
    for k, a in ours.items():
        np.testing.assert_array_equal(a, hf[f"transformer.{k}"])


def test_tokenizers_encode_like_ours(exported):
    out, ours = exported
    tok = tokenizers.Tokenizer.from_file(str(out / "hf" / "tokenizer.json"))
    corpus = (out / "corpus.txt").read_bytes().decode("utf-8")
    assert tok.encode(corpus).ids == ours["corpusIds"]
    for line, ids in zip(ours["lines"], ours["lineIds"]):
        assert tok.encode(line).ids == ids, repr(line)
        assert tok.decode(ids) == line
    for text, ids in zip(ours["fuzz"], ours["fuzzIds"]):
        assert tok.encode(text).ids == ids, repr(text)
    # Our own checkpoint's tokenizer.json is the same HF format.
    ck = tokenizers.Tokenizer.from_file(str(out / "ckpt" / "tokenizer.json"))
    assert ck.encode(corpus).ids == ours["corpusIds"]


def test_auto_tokenizer_and_chat_template(exported):
    out, ours = exported
    tok = transformers.AutoTokenizer.from_pretrained(out / "hf")
    ids = tok.apply_chat_template(ours["messages"], add_generation_prompt=True, tokenize=True)
    assert ids == ours["promptIds"]
    assert tok.eos_token == "<|im_end|>"
    corpus = (out / "corpus.txt").read_bytes().decode("utf-8")
    assert tok(corpus, add_special_tokens=False)["input_ids"] == ours["corpusIds"]


def test_we_read_a_tokenizer_trained_by_hf(exported, tmp_path):
    """The other direction: HF `tokenizers` trains and saves a byte-level BPE; our reader encodes alike."""
    _, ours = exported
    texts = ours["lines"]
    hf = tokenizers.Tokenizer(tokenizers.models.BPE())
    hf.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.decoder = tokenizers.decoders.ByteLevel()
    trainer = tokenizers.trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=tokenizers.pre_tokenizers.ByteLevel.alphabet(),
    )
    hf.train_from_iterator(texts * 20, trainer=trainer)
    hf.save(str(tmp_path / "tokenizer.json"))
    probe = texts + ["<|im_start|>user\nHello, wörld! 你好 🎉<|im_end|>\n"]
    (tmp_path / "texts.json").write_text(json.dumps(probe), encoding="utf-8")
    helper = "tests/interop/encode-with-ours.ts"
    proc = _run(["node", "--import", "tsx", helper, str(tmp_path / "tokenizer.json"), str(tmp_path / "texts.json")])
    assert json.loads(proc.stdout) == [hf.encode(t).ids for t in probe]


def _saved_model_gives_our_logits(model, out, ours, tmp_path):
    """save_pretrained `model` with our tokenizer; our engine's logits on the chat prompt must match its."""
    model.save_pretrained(tmp_path, safe_serialization=True)
    shutil.copy(out / "hf" / "tokenizer.json", tmp_path / "tokenizer.json")
    ids = ours["promptIds"]
    (tmp_path / "ids.json").write_text(json.dumps(ids))
    proc = _run(["node", "--import", "tsx", "tests/interop/logits-with-ours.ts", str(tmp_path), str(tmp_path / "ids.json")])
    got = json.loads(proc.stdout)
    with torch.no_grad():
        expected = model(torch.tensor([ids])).logits.numpy()
    logits = np.array(got["logits"], dtype=np.float32).reshape(got["shape"])
    assert np.abs(expected).max() > 0.5
    diff = np.abs(logits - expected).max()
    assert diff < 1e-4, f"max |logit difference| = {diff}"


def test_we_load_a_gpt2_saved_by_transformers(exported, tmp_path):
    """The other direction for weights: a GPT-2 that transformers saved loads in our code, same logits."""
    out, ours = exported
    torch.manual_seed(0)
    cfg = transformers.GPT2Config(
        vocab_size=len(ours["logits"]) // len(ours["promptIds"]),
        n_positions=96,
        n_embd=48,
        n_layer=2,
        n_head=4,
        activation_function="gelu_new",
    )
    model = transformers.GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.2 * torch.randn_like(p))
    _saved_model_gives_our_logits(model, out, ours, tmp_path)


def test_we_load_a_gpt_neox_saved_by_transformers(exported, tmp_path):
    """A GPT-NeoX that transformers saved (sequential blocks, full rotary, GELU tanh) gives our logits."""
    out, ours = exported
    torch.manual_seed(1)
    cfg = transformers.GPTNeoXConfig(
        vocab_size=len(ours["logits"]) // len(ours["promptIds"]),
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=192,
        hidden_act="gelu_new",
        rotary_pct=1.0,
        max_position_embeddings=96,
        use_parallel_residual=False,
        tie_word_embeddings=False,
    )
    model = transformers.GPTNeoXForCausalLM(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.2 * torch.randn_like(p))
        model.embed_out.weight.copy_(model.gpt_neox.embed_in.weight)  # ours ties them
    _saved_model_gives_our_logits(model, out, ours, tmp_path)


@pytest.fixture(scope="module")
def qed_tiny(exported, tmp_path_factory):
    out, _ = exported
    hf = tmp_path_factory.mktemp("qed-tiny") / "hf"
    _run(["node", "bin/qed.js", "export-model", str(out / "ckpt-prev"), "--format", "hf", "--out", str(hf)])
    ours = json.loads((out / "ours-prev.json").read_text(encoding="utf-8"))
    model = transformers.AutoModelForCausalLM.from_pretrained(hf, trust_remote_code=True).eval()
    return model, ours


def test_transformers_loads_previous_token_embeddings_with_the_shipped_code(qed_tiny):
    """The demo's shape (rotary + 3 previous-token tables) loads as qed_tiny; logits match ours."""
    model, ours = qed_tiny
    assert type(model).__name__ == "QedTinyForCausalLM"
    with torch.no_grad():
        logits = model(torch.tensor([ours["ids"]])).logits.numpy()
    expected = np.array(ours["logits"], dtype=np.float32).reshape(ours["logitsShape"])
    assert logits.shape == expected.shape
    assert np.abs(expected).max() > 0.5
    diff = np.abs(logits - expected).max()
    assert diff < 1e-4, f"max |logit difference| = {diff}"


def test_qed_tiny_generation_with_a_cache_and_left_padding(qed_tiny, monkeypatch):
    """generate() feeds one token at a time through the KV cache; the look-back must still see the
    tokens before it, and left padding must not count as tokens."""
    # generate() asks whether the model is FSDP-wrapped by importing torch.distributed.fsdp, which
    # Debian's torch 1.13 cannot import under Python 3.11; it is not.
    monkeypatch.setattr(transformers.generation.utils, "is_fsdp_managed_module", lambda _module: False)
    model, ours = qed_tiny
    prompt = torch.tensor([ours["ids"][:40]])
    with torch.no_grad():
        cached = model.generate(prompt, max_new_tokens=20, do_sample=False, pad_token_id=0)
        ids = prompt
        for _ in range(20):  # the same greedy decoding, every step a full forward without a cache
            nxt = model(ids, use_cache=False).logits[:, -1].argmax(-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=1)
    assert cached.tolist() == ids.tolist()

    short = ours["ids"][:25]
    batch = torch.tensor([[0] * 15 + short, ours["ids"][:40]])
    mask = torch.tensor([[0] * 15 + [1] * 25, [1] * 40])
    with torch.no_grad():
        padded = model(batch, attention_mask=mask).logits[0, 15:]
        alone = model(torch.tensor([short])).logits[0]
    assert torch.abs(padded - alone).max().item() < 1e-4
