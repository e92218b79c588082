"""Standard-library HTTP client for ``qed reward-server``.

Requests go to ``POST /score`` (one item) and ``POST /score/batch`` (many); each item is
``{"problem": <id or problem dict>, "proof": <text>}`` and each result carries ``reward`` (score/7, or
``None`` when grading failed), ``score``, ``graderError`` and ``defaulted``.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

Problem = Union[str, Mapping[str, Any]]

DEFAULT_URL = "http://127.0.0.1:8009"


class RewardServerError(RuntimeError):
    """The server could not be reached, timed out, or rejected the request (4xx/5xx)."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status


class GradingFailed(RuntimeError):
    """The grader behind the server failed on an item (no score); never reported as reward 0."""

    def __init__(self, results: List[Dict[str, Any]]):
        first = results[0]
        super().__init__(
            f"{len(results)} item(s) failed grading; first: problem {first.get('problemId')!r}: "
            f"{first.get('graderError')}"
        )
        self.results = results


class RewardClient:
    """A small client: ``RewardClient(url, token=..., timeout=...)``.

    ``token`` defaults to the environment variable named by ``token_env`` (``QED_REWARD_TOKEN``); the
    URL defaults to ``$QED_REWARD_URL`` or ``http://127.0.0.1:8009``.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 300.0,
        token_env: str = "QED_REWARD_TOKEN",
    ):
        self.url = (url or os.environ.get("QED_REWARD_URL") or DEFAULT_URL).rstrip("/")
        self.token = token if token is not None else os.environ.get(token_env) or None
        self.timeout = timeout

    def _post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        data = json.dumps(body).encode("utf-8")
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                pass
            raise RewardServerError(f"{path}: HTTP {e.code}: {detail}", status=e.code) from None
        except (socket.timeout, TimeoutError):
            raise RewardServerError(f"{path}: no answer within {self.timeout} s") from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, (socket.timeout, TimeoutError)):
                raise RewardServerError(f"{path}: no answer within {self.timeout} s") from None
            raise RewardServerError(f"{path}: cannot reach {self.url}: {e.reason}") from None

    def health(self) -> Dict[str, Any]:
        with urllib.request.urlopen(self.url + "/health", timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def score(self, problem: Problem, proof: str, default_reward: Optional[float] = None) -> Dict[str, Any]:
        body: Dict[str, Any] = {"problem": problem, "proof": proof}
        if default_reward is not None:
            body["default_reward"] = default_reward
        return self._post("/score", body)

    def score_batch(
        self,
        items: Iterable[Mapping[str, Any]],
        default_reward: Optional[float] = None,
        batch_size: int = 256,
        parallel: int = 4,
    ) -> List[Dict[str, Any]]:
        """Scores ``{"problem", "proof"}`` items, ``batch_size`` per HTTP request and up to ``parallel``
        requests at once; results come back in item order."""
        items = list(items)
        size = max(1, batch_size)
        bodies = []
        for start in range(0, len(items), size):
            body: Dict[str, Any] = {"items": [dict(i) for i in items[start : start + size]]}
            if default_reward is not None:
                body["default_reward"] = default_reward
            bodies.append(body)
        if len(bodies) <= 1 or parallel <= 1:
            answers = [self._post("/score/batch", b) for b in bodies]
        else:
            with ThreadPoolExecutor(max_workers=min(parallel, len(bodies))) as pool:
                answers = list(pool.map(lambda b: self._post("/score/batch", b), bodies))
        return [r for answer in answers for r in answer["results"]]
