"""The time window a reconciliation or data-quality run looks at (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

#: A window larger than this is almost certainly a typo in a manual run and would scan a whole table.
MAX_WINDOW = timedelta(days=31)


class WindowError(ValueError):
    """The requested window is unusable."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @staticmethod
    def from_dict(value: Mapping[str, str]) -> Window:
        return Window(parse_instant(value["start"]), parse_instant(value["end"]))


def parse_instant(value: Any) -> datetime:
    """ISO-8601 string or datetime -> aware UTC datetime; naive input is taken as UTC."""
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            instant = datetime.fromisoformat(text)
        except ValueError as error:
            raise WindowError(f"not an ISO-8601 date-time: {value!r}") from error
    else:
        raise WindowError(f"not a date-time: {value!r}")
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    instant = instant.astimezone(UTC)
    # A plain datetime, also when Airflow hands over a pendulum DateTime (whose arithmetic with the
    # datetimes drivers return differs).
    return datetime(
        instant.year,
        instant.month,
        instant.day,
        instant.hour,
        instant.minute,
        instant.second,
        instant.microsecond,
        tzinfo=UTC,
    )


def resolve_window(
    params: Mapping[str, Any],
    data_interval_start: datetime | None,
    data_interval_end: datetime | None,
    run_after: datetime | None = None,
) -> Window:
    """Which [start, end) to check.

    * ``params.window_start`` and ``params.window_end`` (both or neither) win: an explicit, repeatable window.
    * Otherwise the run's data interval, shifted back by ``params.settle_minutes`` so that events still in
      flight through Kafka are not counted as missing; consecutive scheduled runs still tile time exactly.
    * An empty data interval (start == end) - a manual run, or a scheduled one under Airflow 3's default
      CronTriggerTimetable for cron strings - means the last ``params.lookback_minutes`` before its end, shifted
      the same way. With lookback = the schedule's period (60 for @hourly) consecutive runs tile time whether
      or not ``[scheduler] create_cron_data_intervals`` is on.
    * A run triggered without a logical date has no data interval at all: its ``run_after`` is the end.
    """
    explicit_start, explicit_end = params.get("window_start"), params.get("window_end")
    if explicit_start or explicit_end:
        if not (explicit_start and explicit_end):
            raise WindowError("give both window_start and window_end, or neither")
        window = Window(parse_instant(explicit_start), parse_instant(explicit_end))
    else:
        if data_interval_end is None:
            data_interval_start, data_interval_end = None, run_after
        if data_interval_end is None:
            raise WindowError("no data interval, no run_after and no explicit window")
        settle = timedelta(minutes=float(params.get("settle_minutes", 0) or 0))
        end = parse_instant(data_interval_end) - settle
        start = parse_instant(data_interval_start) - settle if data_interval_start is not None else end
        if start >= end:
            start = end - timedelta(minutes=float(params.get("lookback_minutes", 60) or 60))
        window = Window(start, end)
    if window.start >= window.end:
        raise WindowError(f"window start {window.start.isoformat()} is not before end {window.end.isoformat()}")
    if window.end - window.start > MAX_WINDOW:
        raise WindowError(f"window longer than {MAX_WINDOW.days} days; split it into several runs")
    return window


def utc_day(instant: datetime) -> str:
    """UTC calendar day 'YYYY-MM-DD' of an instant (naive values are UTC, as cassandra-driver returns them)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).date().isoformat()
