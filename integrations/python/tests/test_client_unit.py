"""Unit tests of qed_reward that need no Node: completion parsing, failure policies, client timeouts and
connection errors against local stub servers."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qed_reward import GradingFailed, RewardClient, RewardServerError, completion_text, make_reward_func
from qed_reward.policy import check_policy, rewards_of


@pytest.mark.parametrize(
    "completion, text",
    [
        ("plain", "plain"),
        ([{"role": "assistant", "content": "chat"}], "chat"),
        ([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "a"),
    ],
)
def test_completion_text(completion, text):
    assert completion_text(completion) == text


def test_policies():
    ok = {"reward": 0.5}
    bad = {"reward": None, "graderError": "no score", "problemId": "p"}
    assert rewards_of([ok], "raise") == [0.5]
    with pytest.raises(GradingFailed, match="no score"):
        rewards_of([ok, bad], "raise")
    assert rewards_of([ok, bad], "none") == [0.5, None]
    assert check_policy(0) == 0.0 and check_policy("raise") is None
    with pytest.raises(ValueError):
        check_policy(True)


class Stub(BaseHTTPRequestHandler):
    delay = 0.0
    seen = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        Stub.seen.append(body)
        time.sleep(Stub.delay)
        items = body.get("items", [body])
        out = {"results": [{"problemId": i["problem"], "reward": 0.25, "score": 1.75, "graderError": None} for i in items]}
        data = json.dumps(out if "items" in body else out["results"][0]).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Stub.seen = []
    Stub.delay = 0.0
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_batches_split_by_batch_size(stub):
    reward = make_reward_func(stub, batch_size=3)
    out = reward(completions=["a"] * 7, problem_id=["p"] * 7)
    assert out == [0.25] * 7
    assert sorted(len(b["items"]) for b in Stub.seen) == [1, 3, 3]


def test_parallel_batches_keep_item_order(stub):
    Stub.delay = 0.2
    items = [{"problem": f"p{i}", "proof": "x"} for i in range(8)]
    start = time.monotonic()
    results = RewardClient(stub).score_batch(items, batch_size=2, parallel=4)
    assert len(results) == 8 and time.monotonic() - start < 0.7  # 4 requests of 0.2 s overlapped
    assert [r["problemId"] for r in results] == [f"p{i}" for i in range(8)]


def test_client_timeout_is_an_error(stub):
    Stub.delay = 2.0
    start = time.monotonic()
    with pytest.raises(RewardServerError, match="no answer within"):
        RewardClient(stub, timeout=0.3).score("p", "proof")
    assert time.monotonic() - start < 1.5


def test_unreachable_server_is_an_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RewardServerError, match="cannot reach"):
        RewardClient(f"http://127.0.0.1:{port}", timeout=2).score("p", "proof")
