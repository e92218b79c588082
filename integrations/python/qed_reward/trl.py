"""A TRL-style reward function backed by ``qed reward-server``.

TRL's GRPO trainer calls each reward function as ``f(prompts=..., completions=..., **columns)`` where
``columns`` are the dataset's other columns, one list entry per completion, and expects a list of floats
(``None`` allowed for "no reward"). Rows written by ``qed export --format trl`` carry ``problem_id`` and
``problem_json``; the function sends the full problem when it has it, so the server needs no dataset.
"""

from __future__ import annotations

import json
from typing import Any, Callable, List, Optional, Sequence

from .client import RewardClient
from .policy import OnFailure, check_policy, rewards_of


def completion_text(completion: Any) -> str:
    """Plain text of a completion: a string, or the last assistant message of a chat list."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, (list, tuple)):
        for message in reversed(completion):
            if isinstance(message, dict) and message.get("role") == "assistant":
                return str(message.get("content", ""))
        if completion and isinstance(completion[-1], dict):
            return str(completion[-1].get("content", ""))
    raise TypeError(f"cannot read completion of type {type(completion).__name__}")


def make_reward_func(
    url: Optional[str] = None,
    token: Optional[str] = None,
    timeout: float = 300.0,
    on_failure: OnFailure = "raise",
    batch_size: int = 256,
    parallel: int = 4,
    client: Optional[RewardClient] = None,
) -> Callable[..., List[Optional[float]]]:
    """Returns ``qed_reward(completions, prompts=None, problem_id=None, problem_json=None, **kwargs)``."""
    default = check_policy(on_failure)
    rc = client or RewardClient(url, token=token, timeout=timeout)

    def qed_reward(
        completions: Sequence[Any],
        prompts: Optional[Sequence[Any]] = None,
        problem_id: Optional[Sequence[str]] = None,
        problem_json: Optional[Sequence[str]] = None,
        **kwargs: Any,
    ) -> List[Optional[float]]:
        if problem_json is None and problem_id is None:
            raise ValueError(
                "the dataset needs a problem_json or problem_id column (qed export --format trl writes both)"
            )
        items = []
        for i, completion in enumerate(completions):
            problem: Any = json.loads(problem_json[i]) if problem_json is not None else problem_id[i]
            items.append({"problem": problem, "proof": completion_text(completion)})
        results = rc.score_batch(items, default_reward=default, batch_size=batch_size, parallel=parallel)
        return rewards_of(results, on_failure)

    qed_reward.__name__ = "qed_reward"
    return qed_reward
