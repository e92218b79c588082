"""What a reward function does when the grader fails on an item.

``"raise"`` (default) raises ``GradingFailed``; ``"none"`` returns ``None`` for that item (TRL warns when
every reward function returned ``None`` for a row, then sums it as 0); a number asks the server for that
``default_reward`` (the result is flagged ``defaulted`` and counted in ``/metrics``). A failure is never
turned into 0 silently.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from .client import GradingFailed

OnFailure = Union[str, float, int]


def check_policy(on_failure: OnFailure) -> Optional[float]:
    """Returns the default reward to request, or None; rejects unknown policies early."""
    if isinstance(on_failure, bool):
        raise ValueError("on_failure must be 'raise', 'none' or a number")
    if isinstance(on_failure, (int, float)):
        return float(on_failure)
    if on_failure in ("raise", "none"):
        return None
    raise ValueError(f"on_failure must be 'raise', 'none' or a number, got {on_failure!r}")


def rewards_of(results: List[Dict[str, Any]], on_failure: OnFailure) -> List[Optional[float]]:
    failed = [r for r in results if r.get("reward") is None]
    if failed and on_failure == "raise":
        raise GradingFailed(failed)
    return [None if r.get("reward") is None else float(r["reward"]) for r in results]
