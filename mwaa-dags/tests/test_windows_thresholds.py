from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline_dags.thresholds import at_least, at_most, breaches, describe_breaches, ratio
from pipeline_dags.windows import Window, WindowError, parse_instant, resolve_window, utc_day

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_explicit_window_wins_and_naive_means_utc():
    window = resolve_window({"window_start": "2026-01-01T00:00:00", "window_end": "2026-01-02T00:00:00Z"}, T0, T0)
    assert window == Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC))


def test_explicit_window_needs_both_ends_and_order():
    with pytest.raises(WindowError, match="both"):
        resolve_window({"window_start": "2026-01-01T00:00:00Z"}, T0, T0)
    with pytest.raises(WindowError, match="not before"):
        resolve_window({"window_start": "2026-01-02T00:00:00Z", "window_end": "2026-01-01T00:00:00Z"}, T0, T0)
    with pytest.raises(WindowError, match="31 days"):
        resolve_window({"window_start": "2026-01-01T00:00:00Z", "window_end": "2026-03-01T00:00:00Z"}, T0, T0)
    with pytest.raises(WindowError, match="ISO-8601"):
        parse_instant("yesterday")


def test_data_interval_shifted_by_settle():
    window = resolve_window({"settle_minutes": 10}, T0 - timedelta(hours=1), T0)
    assert window == Window(T0 - timedelta(minutes=70), T0 - timedelta(minutes=10))


def test_empty_interval_looks_back_and_consecutive_runs_tile():
    params = {"settle_minutes": 10, "lookback_minutes": 60}
    first = resolve_window(params, T0, T0)
    second = resolve_window(params, T0 + timedelta(hours=1), T0 + timedelta(hours=1))
    assert first.end - first.start == timedelta(hours=1)
    assert first.end == second.start


def test_a_run_without_logical_date_ends_at_run_after():
    window = resolve_window({"lookback_minutes": 30}, None, None, T0)
    assert window == Window(T0 - timedelta(minutes=30), T0)
    with pytest.raises(WindowError, match="no data interval"):
        resolve_window({}, None, None)


def test_pendulum_instants_become_plain_utc_datetimes():
    import pendulum

    window = resolve_window({}, pendulum.datetime(2026, 3, 1, 9), pendulum.datetime(2026, 3, 1, 10, tz="Europe/Paris"))
    assert type(window.end) is datetime
    assert window.end == datetime(2026, 3, 1, 9, tzinfo=UTC)
    # Arithmetic with what psycopg2 returns works.
    assert (window.end - datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=1)))).total_seconds() == 5400


def test_window_round_trips_through_xcom_form():
    window = Window(T0, T0 + timedelta(hours=1))
    assert Window.from_dict(window.to_dict()) == window


def test_utc_day_of_aware_and_naive_instants():
    assert utc_day(datetime(2026, 1, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))) == "2026-01-02"
    assert utc_day(datetime(2026, 1, 1, 23, 30)) == "2026-01-01"


def test_checks_and_breaches():
    checks = [at_most("rate", 0.02, 0.01), at_most("count", 0, 0), at_least("rows", 5, 1), at_most("lag", None, 30)]
    assert [c.passed for c in checks] == [False, True, True, False]
    failed = breaches(checks)
    assert [c["name"] for c in failed] == ["rate", "lag"]
    assert breaches([c.to_dict() for c in checks]) == failed
    assert describe_breaches(failed) == "rate=0.02 (want <= 0.01); lag=unmeasurable (want <= 30)"
    assert ratio(1, 0) == 0.0
    assert ratio(1, 4) == 0.25
