"""qed-reward: use ``qed reward-server`` from Python RL trainers (TRL, verl, PipelineRL) with only the
standard library."""

from .client import GradingFailed, RewardClient, RewardServerError
from .trl import completion_text, make_reward_func
from .verl import compute_score, compute_score_batch

__all__ = [
    "GradingFailed",
    "RewardClient",
    "RewardServerError",
    "completion_text",
    "compute_score",
    "compute_score_batch",
    "make_reward_func",
]
__version__ = "0.1.0"
