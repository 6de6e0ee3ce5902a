"""Data-quality metrics of the PostgreSQL store over a window of ``ingested_at``, and their thresholds.

Metrics (all over [window.start, window.end)):
* freshness_lag_seconds: window.end minus the newest ingested_at at or before window.end (for a scheduled run,
  window.end is "now"); None when the table has no such row, which breaches.
* dead_letter_rate: dead letters first seen in the window / (users ingested + dead letters first seen).
* duplicate_email_rate: rows whose lower-cased email another row of the window also has, beyond the first.
* duplicate_event_ids: event_ids that wrote more than one user (one event must make one user).
* blank_rate: per required field, share of NULL or blank values; the check uses the worst field.
* invalid_format_rate: per optional field with a format (e.g. an ISO country code), share of present values that
  do not match it; the check uses the worst field. An absent value (an older event version) is not a defect.
* tombstoned_rows: users rows whose user has a deletion at least as new as the row's event (the order of every
  store: occurred_at, then event_id), among the window's rows and the users erased in the window. The processor
  deletes the row and records the tombstone in one statement, so any such row is personal data an erasure
  missed (a bypassing writer, a restored backup).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

# Field lists come from the field registry (lambdas/shared/contract/fields.ts) through a generated module.
from pipeline_dags.fields_generated import FORMAT_CHECKS, REQUIRED_NON_BLANK, REQUIRED_NOT_NULL
from pipeline_dags.thresholds import Check, at_least, at_most, breaches, ratio
from pipeline_dags.windows import Window

DEFAULT_THRESHOLDS = {
    "max_freshness_minutes": 30.0,
    "max_dead_letter_rate": 0.01,
    "max_duplicate_email_rate": 0.01,
    "max_duplicate_event_ids": 0,
    "max_blank_rate": 0.0,
    "max_invalid_format_rate": 0.0,
    "max_tombstoned_rows": 0,
    "min_rows": 0,
}


def thresholds_from(params: Mapping[str, Any]) -> dict[str, float]:
    return {name: float(params.get(name, default)) for name, default in DEFAULT_THRESHOLDS.items()}


def evaluate(metrics: Mapping[str, Any], thresholds: Mapping[str, float]) -> list[Check]:
    lag = metrics["freshness_lag_seconds"]
    blank_rates: Mapping[str, float] = metrics["blank_rates"]
    worst_field = max(blank_rates, key=lambda name: blank_rates[name]) if blank_rates else None
    format_rates: Mapping[str, float] = metrics.get("invalid_format_rates", {})
    worst_format = max(format_rates, key=lambda name: format_rates[name]) if format_rates else None
    return [
        at_most(
            "freshness_minutes",
            None if lag is None else round(lag / 60.0, 3),
            thresholds["max_freshness_minutes"],
            newest_ingested_at=metrics["newest_ingested_at"],
        ),
        at_most(
            "dead_letter_rate",
            metrics["dead_letter_rate"],
            thresholds["max_dead_letter_rate"],
            dead_letters=metrics["dead_letters_in_window"],
            by_reason=metrics["dead_letters_by_reason"],
        ),
        at_most(
            "duplicate_email_rate",
            metrics["duplicate_email_rate"],
            thresholds["max_duplicate_email_rate"],
            duplicate_rows=metrics["duplicate_email_rows"],
        ),
        at_most("duplicate_event_ids", metrics["duplicate_event_ids"], thresholds["max_duplicate_event_ids"]),
        at_most(
            "blank_rate",
            blank_rates[worst_field] if worst_field else 0.0,
            thresholds["max_blank_rate"],
            worst_field=worst_field,
        ),
        at_most(
            "invalid_format_rate",
            format_rates[worst_format] if worst_format else 0.0,
            thresholds["max_invalid_format_rate"],
            worst_field=worst_format,
        ),
        at_most(
            "tombstoned_rows",
            metrics["tombstoned_rows"],
            thresholds["max_tombstoned_rows"],
            examples=metrics["tombstoned_row_examples"],
        ),
        at_least("rows_in_window", metrics["rows_in_window"], thresholds["min_rows"]),
    ]


def result(window: Window, metrics: Mapping[str, Any], thresholds: Mapping[str, float]) -> dict[str, Any]:
    checks = evaluate(metrics, thresholds)
    failed = breaches(checks)
    return {
        "window": window.to_dict(),
        "metrics": dict(metrics),
        "thresholds": dict(thresholds),
        "checks": [check.to_dict() for check in checks],
        "breaches": failed,
        "passed": not failed,
    }


# ---------------------------------------------------------------- store access (inside tasks only)

#: Rows a deletion at least as new as their own event should have removed: among the window's rows, and among the
#: rows of the users erased in the window (both by index: users.ingested_at, user_tombstones.updated_at).
_TOMBSTONED_ROWS = """
SELECT u.user_id::text FROM users u JOIN user_tombstones t ON t.user_id = u.user_id
WHERE (u.occurred_at, u.event_id) <= (t.occurred_at, t.event_id) AND u.ingested_at >= %s AND u.ingested_at < %s
UNION
SELECT u.user_id::text FROM user_tombstones t JOIN users u ON u.user_id = t.user_id
WHERE (u.occurred_at, u.event_id) <= (t.occurred_at, t.event_id) AND t.updated_at >= %s AND t.updated_at < %s
ORDER BY 1
"""
EXAMPLES = 20


def measure(conn, window: Window) -> dict[str, Any]:
    """All metrics in one read-only transaction."""
    span = (window.start, window.end)
    with conn.cursor() as cur:
        cur.execute("SELECT max(ingested_at) FROM users WHERE ingested_at <= %s", (window.end,))
        newest = cur.fetchone()[0]

        blank_terms = [f"count(*) FILTER (WHERE {f} IS NULL OR btrim({f}) = '')" for f in REQUIRED_NON_BLANK]
        null_terms = [f"count(*) FILTER (WHERE {f} IS NULL)" for f in REQUIRED_NOT_NULL]
        format_terms = [f"count(*) FILTER (WHERE {f} IS NOT NULL AND {f} !~ %s)" for f in FORMAT_CHECKS]
        cur.execute(
            f"SELECT count(*), {', '.join(blank_terms + null_terms + format_terms)} FROM users "
            "WHERE ingested_at >= %s AND ingested_at < %s",
            (*FORMAT_CHECKS.values(), *span),
        )
        counts = cur.fetchone()
        rows = int(counts[0])
        defect_names = REQUIRED_NON_BLANK + REQUIRED_NOT_NULL
        defect_counts = dict(zip(defect_names, counts[1 : 1 + len(defect_names)], strict=True))
        format_counts = dict(zip(FORMAT_CHECKS, counts[1 + len(defect_names) :], strict=True))

        cur.execute(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM users "
            "WHERE ingested_at >= %s AND ingested_at < %s GROUP BY lower(email) HAVING count(*) > 1) d",
            span,
        )
        duplicate_email_rows = int(cur.fetchone()[0])

        cur.execute(
            "SELECT count(*) FROM (SELECT event_id FROM users WHERE ingested_at >= %s AND ingested_at < %s "
            "GROUP BY event_id HAVING count(*) > 1) d",
            span,
        )
        duplicate_event_ids = int(cur.fetchone()[0])

        cur.execute(
            "SELECT reason, count(*) FROM dead_letters WHERE first_seen_at >= %s AND first_seen_at < %s "
            "GROUP BY reason ORDER BY reason",
            span,
        )
        by_reason = {reason: int(n) for reason, n in cur.fetchall()}

        cur.execute(_TOMBSTONED_ROWS, (*span, *span))
        tombstoned = [row[0] for row in cur.fetchall()]

    dead_letters = sum(by_reason.values())
    return {
        "rows_in_window": rows,
        "newest_ingested_at": None if newest is None else newest.isoformat(),
        "freshness_lag_seconds": None if newest is None else (window.end - newest.astimezone(UTC)).total_seconds(),
        "dead_letters_in_window": dead_letters,
        "dead_letters_by_reason": by_reason,
        "dead_letter_rate": ratio(dead_letters, rows + dead_letters),
        "duplicate_email_rows": duplicate_email_rows,
        "duplicate_email_rate": ratio(duplicate_email_rows, rows),
        "duplicate_event_ids": duplicate_event_ids,
        "blank_rates": {name: ratio(int(n), rows) for name, n in defect_counts.items()},
        "invalid_format_rates": {name: ratio(int(n), rows) for name, n in format_counts.items()},
        "tombstoned_rows": len(tombstoned),
        "tombstoned_row_examples": tombstoned[:EXAMPLES],
    }


def run_measure(window: Window) -> dict[str, Any]:
    from pipeline_dags.stores import postgres as postgres_store

    conn = postgres_store.connect()
    try:
        conn.set_session(readonly=True)
        with conn:
            return measure(conn, window)
    finally:
        conn.close()
