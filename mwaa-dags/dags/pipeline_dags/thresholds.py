"""Threshold checks shared by the reconciliation and data-quality DAGs (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    """One measured value against one threshold. ``value`` None means "could not be measured" = breach."""

    name: str
    value: float | None
    threshold: float
    #: "max": passes when value <= threshold; "min": passes when value >= threshold.
    kind: str = "max"
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        if self.kind == "max":
            return self.value <= self.threshold
        if self.kind == "min":
            return self.value >= self.threshold
        raise ValueError(f"unknown check kind {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result["detail"] = dict(self.detail)
        result["passed"] = self.passed
        return result


def at_most(name: str, value: float | None, threshold: float, **detail: Any) -> Check:
    return Check(name, value, float(threshold), "max", detail)


def at_least(name: str, value: float | None, threshold: float, **detail: Any) -> Check:
    return Check(name, value, float(threshold), "min", detail)


def ratio(part: float, whole: float) -> float:
    """part / whole, 0 when there is nothing to divide (an empty window breaches no rate)."""
    return float(part) / float(whole) if whole else 0.0


def breaches(checks: Iterable[Check | Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The failed checks as dicts (accepts Check objects or their to_dict() form from XCom)."""
    result = []
    for check in checks:
        as_dict = check.to_dict() if isinstance(check, Check) else dict(check)
        if not as_dict["passed"]:
            result.append(as_dict)
    return result


def describe_breaches(failed: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for check in failed:
        op = "<=" if check["kind"] == "max" else ">="
        value = "unmeasurable" if check["value"] is None else f"{check['value']:g}"
        parts.append(f"{check['name']}={value} (want {op} {check['threshold']:g})")
    return "; ".join(parts)
