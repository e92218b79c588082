"""``qed export`` output read by the trainers' own libraries (``datasets``, ``pyarrow``) with the columns
and types TRL, verl and PipelineRL expect; and our Parquet reader on files pyarrow wrote."""

from __future__ import annotations

import json

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import helper, qed



@pytest.fixture(scope="module")
def sft_file(tmp_path_factory, problems):
    """SFT records in two shapes: chat messages (our distill output) and FineProofs-like columns."""
    path = tmp_path_factory.mktemp("sft") / "sft.jsonl"
    rows = []
    for i, p in enumerate(problems):
        if i % 2 == 0:
            rows.append(
                {
                    "id": f"{p['id']}#0",
                    "problemId": p["id"],
                    "messages": [
                        {"role": "user", "content": p["statement"]},
                        {"role": "assistant", "content": p["referenceSolution"]},
                    ],
                    "grade": {"score": 7},
                }
            )
        else:
            rows.append({"problem": p["statement"], "proof": p["referenceSolution"], "reasoning_content": "think", "gemini-3-pro-grade": 6})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    # datasets infers one schema over all rows: keep the shapes in separate files.
    chat = path.with_name("chat.jsonl")
    cols = path.with_name("columns.jsonl")
    chat.write_text("".join(json.dumps(r) + "\n" for r in rows if "messages" in r))
    cols.write_text("".join(json.dumps(r) + "\n" for r in rows if "messages" not in r))
    return chat, cols


def is_chat(feature) -> bool:
    """A datasets feature for a list of {role, content} strings."""
    inner = feature[0] if isinstance(feature, list) else getattr(feature, "feature", None)
    return isinstance(inner, dict) and inner["role"].dtype == "string" and inner["content"].dtype == "string"


def test_trl_rl_loads_with_prompt_and_problem_columns(toy_problems, problems, tmp_path):
    qed("export", "--format", "trl", str(toy_problems), "--out", str(tmp_path))
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "train.jsonl"), split="train")
    assert ds.num_rows == len(problems)
    assert set(ds.column_names) == {"prompt", "problem_id", "problem_json"}
    assert is_chat(ds.features["prompt"])
    assert ds[0]["prompt"][0]["role"] == "user" and problems[0]["statement"] in ds[0]["prompt"][0]["content"]
    assert json.loads(ds[0]["problem_json"])["statement"] == problems[0]["statement"]
    manifest = json.loads((tmp_path / "qed-export.json").read_text())
    assert manifest["kind"] == "rl" and manifest["rows"] == len(problems)


@pytest.mark.parametrize("style", ["messages", "prompt-completion"])
def test_trl_sft_loads_as_conversations(sft_file, tmp_path, style):
    for src in sft_file:
        out = tmp_path / src.stem
        qed("export", "--format", "trl", str(src), "--out", str(out), "--style", style)
        ds = datasets.load_dataset("json", data_files=str(out / "train.jsonl"), split="train")
        if style == "messages":
            assert is_chat(ds.features["messages"])
            roles = [m["role"] for m in ds[0]["messages"]]
            assert roles == ["user", "assistant"]
        else:
            assert is_chat(ds.features["prompt"]) and is_chat(ds.features["completion"])
            assert ds[0]["completion"][0]["role"] == "assistant"
    # FineProofs-like rows keep the teacher's reasoning before </think>.
    text = (tmp_path / "columns" / "train.jsonl").read_text()
    assert "<think>\\nthink\\n</think>" in text


def test_verl_rl_parquet_has_the_fields_verl_reads(toy_problems, problems, tmp_path):
    qed("export", "--format", "verl", str(toy_problems), "--out", str(tmp_path), "--name", "olympiad-lite")
    table = pq.read_table(tmp_path / "train.parquet")
    s = table.schema
    assert s.field("data_source").type == pa.string()
    assert s.field("ability").type == pa.string()
    prompt_type = s.field("prompt").type
    assert pa.types.is_list(prompt_type) and prompt_type.value_type == pa.struct([("role", pa.string()), ("content", pa.string())])
    assert s.field("reward_model").type == pa.struct([("style", pa.string()), ("ground_truth", pa.string())])
    extra = s.field("extra_info").type
    assert extra.field("index").type == pa.int64() and extra.field("problem_id").type == pa.string()
    rows = table.to_pylist()
    assert rows[0]["data_source"] == "olympiad-lite"
    assert json.loads(rows[0]["reward_model"]["ground_truth"])["id"] == problems[0]["id"]
    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "train.parquet"), split="train")
    assert ds.num_rows == len(problems) and ds[1]["extra_info"]["index"] == 1


def test_verl_sft_parquet(sft_file, tmp_path):
    qed("export", "--format", "verl", str(sft_file[0]), "--out", str(tmp_path))
    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "train.parquet"), split="train")
    assert is_chat(ds.features["messages"])
    assert ds.features["prompt"].dtype == "string" and ds.features["response"].dtype == "string"
    assert ds[0]["extra_info"]["score"] == 7


def test_pipelinerl_rows(toy_problems, problems, tmp_path):
    qed("export", "--format", "pipelinerl", str(toy_problems), "--out", str(tmp_path), "--name", "olympiad_lite")
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "olympiad_lite.jsonl"), split="train")
    assert {"dataset", "task", "answer", "schema", "id"} <= set(ds.column_names)
    row = ds[0]
    assert row["dataset"] == "olympiad_lite" and row["answer"] == "" and row["task"] == problems[0]["statement"]
    assert "7 points" in row["schema"] and ds["id"] == list(range(len(problems)))


def test_our_parquet_reader_reads_pyarrow_files(tmp_path):
    table = pa.table(
        {
            "id": pa.array(["a", "b", None]),
            "n": pa.array([1, None, 3], pa.int64()),
            "x": pa.array([0.5, 1.5, None], pa.float64()),
            "flag": pa.array([True, None, False]),
            "scores": pa.array([[1, 2], [], None], pa.list_(pa.int64())),
            "nested": pa.array([[[1], [2, 3]], None, [[]]], pa.list_(pa.list_(pa.int32()))),
            "messages": pa.array(
                [[{"role": "user", "content": "q"}], None, [{"role": "assistant", "content": None}]],
                pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())])),
            ),
            "info": pa.array([{"k": "v", "m": 1}, None, {"k": None, "m": 2}], pa.struct([("k", pa.string()), ("m", pa.int64())])),
        }
    )
    for compression in ["snappy", "zstd", "gzip", "none"]:
        path = tmp_path / f"t-{compression}.parquet"
        pq.write_table(table, path, compression=compression)
        ours = json.loads(helper("read-parquet", str(path)))
        assert ours == table.to_pylist(), compression
