"""verl-style ``compute_score`` backed by ``qed reward-server``.

Point verl's ``custom_reward_function.path`` at this file (verl loads it by path, hence the absolute
imports: the package must be installed in verl's environment) with
``name: compute_score`` (naive reward manager) or ``name: compute_score_batch`` (batch manager). Rows
written by ``qed export --format verl`` hold the whole problem as JSON in ``reward_model.ground_truth``;
a plain-string ground truth is taken as a problem id known to the server's ``--dataset``.

Settings come from keyword arguments (verl's ``custom_reward_function.reward_kwargs``) or the
environment: ``QED_REWARD_URL``, ``QED_REWARD_TOKEN``, ``QED_REWARD_TIMEOUT``, ``QED_REWARD_ON_FAILURE``
(``raise`` | a number; ``none`` is refused because verl needs a number per sample).
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Sequence

from qed_reward.client import RewardClient
from qed_reward.policy import OnFailure, check_policy, rewards_of


def _problem(ground_truth: Any, extra_info: Optional[Dict[str, Any]]) -> Any:
    if isinstance(ground_truth, str):
        text = ground_truth.strip()
        if text.startswith("{"):
            return json.loads(text)
        if text:
            return text
    if isinstance(ground_truth, dict):
        return ground_truth
    if extra_info and extra_info.get("problem_id"):
        return extra_info["problem_id"]
    raise ValueError("ground_truth holds neither a problem JSON nor a problem id")


def _settings(kwargs: Dict[str, Any]):
    on_failure: OnFailure = kwargs.get("on_failure", os.environ.get("QED_REWARD_ON_FAILURE", "raise"))
    if isinstance(on_failure, str) and on_failure not in ("raise", "none"):
        on_failure = float(on_failure)
    if on_failure == "none":
        raise ValueError("verl needs a number per sample: use on_failure='raise' or a default reward")
    default = check_policy(on_failure)
    timeout = float(kwargs.get("timeout", os.environ.get("QED_REWARD_TIMEOUT", "300")))
    client = RewardClient(kwargs.get("url"), token=kwargs.get("token"), timeout=timeout)
    return client, on_failure, default


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: Optional[Dict[str, Any]] = None,
    **kwargs: Any,
) -> float:
    client, on_failure, default = _settings(kwargs)
    result = client.score(_problem(ground_truth, extra_info), solution_str, default_reward=default)
    reward = rewards_of([result], on_failure)[0]
    assert reward is not None
    return reward


def compute_score_batch(
    data_sources: Sequence[str],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Optional[Sequence[Optional[Dict[str, Any]]]] = None,
    **kwargs: Any,
) -> List[float]:
    client, on_failure, default = _settings(kwargs)
    infos = extra_infos if extra_infos is not None else [None] * len(solution_strs)
    items = [
        {"problem": _problem(gt, info), "proof": sol} for sol, gt, info in zip(solution_strs, ground_truths, infos)
    ]
    rewards = rewards_of(client.score_batch(items, default_reward=default), on_failure)
    return [float(r) for r in rewards if r is not None]
