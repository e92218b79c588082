"""Fixtures for the Python interop tests: run the ``qed`` CLI, make Olympiad-lite problems, and start a
``qed reward-server`` on a free loopback port for the whole session."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "tests" / "interop" / "qed-helper.ts"


def run_node(args, **kwargs):
    return subprocess.run(
        ["node", *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120, **kwargs
    )


def qed(*args: str) -> str:
    """Runs ``qed ARGS`` and returns stdout; a failure shows the command's stderr."""
    try:
        return run_node([str(ROOT / "bin" / "qed.js"), *args]).stdout
    except subprocess.CalledProcessError as e:
        raise AssertionError(f"qed {' '.join(args)} failed ({e.returncode}):\n{e.stderr}") from None


def helper(*args: str) -> str:
    return run_node(["--import", "tsx", str(HELPER), *args]).stdout


@pytest.fixture(scope="session")
def toy_problems(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("toy") / "problems.jsonl"
    helper("toy-problems", str(path), "6", "3")
    return path


class Server:
    def __init__(self, proc: subprocess.Popen, url: str):
        self.proc = proc
        self.url = url


def start_server(*extra: str, env=None) -> Server:
    proc = subprocess.Popen(
        ["node", str(ROOT / "bin" / "qed.js"), "reward-server", "--port", "0", "--json", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise AssertionError(f"reward-server did not start:\n{proc.stderr.read()}")
    return Server(proc, json.loads(line)["url"])


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
    assert server.proc.returncode in (0, -15), server.proc.stderr.read()


@pytest.fixture(scope="session")
def reward_server(toy_problems):
    server = start_server("--grader", "toy", "--dataset", str(toy_problems), "--timeout-ms", "5000")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def problems(toy_problems):
    return [json.loads(line) for line in toy_problems.read_text().splitlines()]
