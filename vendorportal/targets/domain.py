"""Pure rules for target versions: which version is in force in a month."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class TargetVersion(Protocol):
    series_key: str
    effective_from: str
    is_retired: bool
    id: int


def series_key(metric: str, channel: str | None) -> str:
    """Return the key of one scorecard line: a metric, optionally for one channel."""
    return f"{metric}@{channel or '*'}"


def in_force(versions: Iterable[TargetVersion], period: str) -> list:
    """Return, per series, the latest version effective on or before the period (retired ones drop out).

    Versions effective from the same month are told apart by id: the later one wins.
    """
    latest: dict[str, TargetVersion] = {}
    for version in versions:
        if version.effective_from > period:
            continue
        current = latest.get(version.series_key)
        if current is None or (version.effective_from, version.id) > (current.effective_from, current.id):
            latest[version.series_key] = version
    return sorted((v for v in latest.values() if not v.is_retired), key=lambda v: v.series_key)
