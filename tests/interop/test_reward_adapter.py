"""The Python adapter (qed_reward) against a running ``qed reward-server --grader toy``: rewards, batching,
failure policies, verl rows exported by ``qed export``, bearer tokens and timeouts."""

from __future__ import annotations

import json
import re
import urllib.request

import pyarrow.parquet as pq
import pytest

from conftest import qed, start_server, stop_server
from qed_reward import GradingFailed, RewardClient, RewardServerError, compute_score, compute_score_batch, make_reward_func

UNGRADABLE = {"id": "rh", "statement": "Prove the Riemann hypothesis."}


def metric(server, name: str) -> float:
    text = urllib.request.urlopen(server.url + "/metrics", timeout=10).read().decode()
    return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))


def test_client_scores_by_id_and_inline(reward_server, problems):
    client = RewardClient(reward_server.url, timeout=30)
    assert client.health()["grader"]["kind"] == "programmatic"
    good = client.score(problems[0]["id"], problems[0]["referenceSolution"])
    assert good["reward"] == 1.0 and good["score"] == 7 and good["graderError"] is None
    inline = client.score({"statement": problems[1]["statement"]}, problems[1]["referenceSolution"])
    assert inline["reward"] == 1.0
    with pytest.raises(RewardServerError) as e:
        client.score("no-such-problem", "proof")
    assert e.value.status == 404 and "unknown problem id" in str(e.value)


def test_trl_reward_function_batches_in_order(reward_server, problems):
    reward = make_reward_func(reward_server.url, batch_size=2)
    before = metric(reward_server, "qed_reward_items_total")
    completions = []
    problem_json = []
    expected_full = []
    for i, p in enumerate(problems[:5]):
        full = i % 2 == 0
        text = p["referenceSolution"] if full else "We check it. Hence the claim."
        # TRL hands conversational completions as chat lists, standard ones as strings.
        completions.append([{"role": "assistant", "content": text}] if i % 3 == 0 else text)
        problem_json.append(json.dumps({k: p[k] for k in ("id", "statement")}))
        expected_full.append(full)
    rewards = reward(prompts=[None] * 5, completions=completions, problem_json=problem_json, problem_id=[p["id"] for p in problems[:5]])
    assert len(rewards) == 5 and all(isinstance(r, float) for r in rewards)
    for r, full in zip(rewards, expected_full):
        assert (r == 1.0) if full else (r < 1.0)
    assert metric(reward_server, "qed_reward_items_total") - before == 5
    by_id = make_reward_func(reward_server.url)(completions=[problems[0]["referenceSolution"]], problem_id=[problems[0]["id"]])
    assert by_id == [1.0]


def test_grader_failures_are_reported_not_zero(reward_server):
    items = {"completions": ["Some text."], "problem_json": [json.dumps(UNGRADABLE)]}
    with pytest.raises(GradingFailed) as e:
        make_reward_func(reward_server.url)(**items)
    assert e.value.results[0]["graderError"]
    assert make_reward_func(reward_server.url, on_failure="none")(**items) == [None]
    before = metric(reward_server, "qed_reward_defaulted_total")
    assert make_reward_func(reward_server.url, on_failure=-1.0)(**items) == [-1.0]
    assert metric(reward_server, "qed_reward_defaulted_total") - before == 1
    with pytest.raises(ValueError):
        make_reward_func(reward_server.url, on_failure="zero")


def test_verl_compute_score_on_exported_rows(reward_server, problems, toy_problems, tmp_path):
    qed("export", "--format", "verl", str(toy_problems), "--out", str(tmp_path))
    rows = pq.read_table(tmp_path / "train.parquet").to_pylist()
    assert len(rows) == len(problems)
    kw = {"url": reward_server.url}
    row = rows[0]
    reference = problems[0]["referenceSolution"]
    assert compute_score(row["data_source"], reference, row["reward_model"]["ground_truth"], row["extra_info"], **kw) == 1.0
    batch = compute_score_batch(
        [r["data_source"] for r in rows],
        [p["referenceSolution"] if i % 2 == 0 else "No." for i, p in enumerate(problems)],
        [r["reward_model"]["ground_truth"] for r in rows],
        [r["extra_info"] for r in rows],
        **kw,
    )
    assert [b == 1.0 for b in batch] == [i % 2 == 0 for i in range(len(problems))]
    with pytest.raises(GradingFailed):
        compute_score("x", "text", json.dumps(UNGRADABLE), None, **kw)
    assert compute_score("x", "text", json.dumps(UNGRADABLE), None, on_failure=0.0, **kw) == 0.0


def test_bearer_token_required_when_configured(toy_problems, problems):
    server = start_server("--grader", "toy", "--token-env", "QED_TEST_TOKEN", env={"QED_TEST_TOKEN": "tok-123"})
    try:
        with pytest.raises(RewardServerError) as e:
            RewardClient(server.url, token="wrong").score({"statement": problems[0]["statement"]}, "x")
        assert e.value.status == 401
        ok = RewardClient(server.url, token="tok-123").score({"statement": problems[0]["statement"]}, problems[0]["referenceSolution"])
        assert ok["reward"] == 1.0
    finally:
        stop_server(server)


def test_verl_loads_compute_score_by_file_path(reward_server, problems):
    """verl imports custom_reward_function.path with spec_from_file_location, outside any package."""
    import importlib.util

    import qed_reward.verl as module

    spec = importlib.util.spec_from_file_location("custom_module", module.__file__)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    p = problems[2]
    gt = json.dumps({"id": p["id"], "statement": p["statement"]})
    assert loaded.compute_score("olympiad-lite", p["referenceSolution"], gt, url=reward_server.url) == 1.0


def test_llm_judge_timeout_is_a_reported_failure():
    """An LLM judge behind a hanging endpoint: the server's per-item timeout fires and the adapter reports
    the failure (exception, None or an explicit default), never 0."""
    import subprocess

    from conftest import ROOT

    mock = subprocess.Popen(
        ["node", str(ROOT / "bin" / "qed.js"), "mock-server", "--port", "0", "--json", "--faults", "hang=1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        judge_url = json.loads(mock.stdout.readline())["url"]
        server = start_server(
            "--grader", "rubric:mock-prover", "--timeout-ms", "1500",
            env={"OPENAI_BASE_URL": judge_url, "OPENAI_API_KEY": "unused"},
        )
        try:
            problem = {"id": "p", "statement": "Prove that x = x.", "gradingGuidelines": "(Partial)\n 1. Reflexivity"}
            items = {"completions": ["x = x by reflexivity."], "problem_json": [json.dumps(problem)]}
            with pytest.raises(GradingFailed) as e:
                make_reward_func(server.url)(**items)
            assert "timed out after 1500 ms" in e.value.results[0]["graderError"]
            assert make_reward_func(server.url, on_failure="none")(**items) == [None]
        finally:
            stop_server(server)
    finally:
        mock.terminate()
        mock.wait(timeout=10)
