"""Retention of dead letters' raw bytes: the raw key and value of a dead letter first seen more than
``retention_days`` ago are removed (reason, issues, headers and the Kafka position stay, marked
``raw_purged_at`` / ``raw_purge_reason = 'retention'``).

The purge is migration 0007's ``purge_expired_dead_letter_bytes(retention, max_rows)``, a SECURITY DEFINER function
the DAGs' role may EXECUTE: the role itself cannot update raw bytes. It runs in batches of ``batch_size`` rows,
oldest first, each committed on its own, so a long backlog makes progress and a retry resumes where it stopped.

The retention comes from the stage configuration (``retention.deadLetterRawBytesDays`` in bin/config), which CDK
stores as the Airflow Variable ``dead_letter_raw_bytes_retention_days``; the ``retention_days`` param overrides it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: The Airflow Variable CDK sets from the stage's retention (lib/stacks/pipeline-stack.ts).
RETENTION_VARIABLE = "dead_letter_raw_bytes_retention_days"
#: Used when neither the param nor the Variable is set: the default of bin/config.
DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650


class InvalidRetentionError(ValueError):
    pass


def retention_days(param: Any, variable: Any) -> int:
    """The retention in days: the param if given, else the Variable, else the default; 1..MAX_RETENTION_DAYS."""
    raw = param if param not in (None, "") else variable
    if raw in (None, ""):
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(str(raw).strip())
    except ValueError:
        raise InvalidRetentionError(f"retention_days must be a whole number of days, got {raw!r}") from None
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise InvalidRetentionError(f"retention_days must be from 1 to {MAX_RETENTION_DAYS}, got {days}")
    return days


def purge_in_batches(
    purge_batch: Callable[[], int], batch_size: int, max_batches: int | None, log: Callable[[str], None]
) -> tuple[int, int]:
    """Calls ``purge_batch`` until a batch purges fewer than ``batch_size`` rows (nothing expired is left) or
    ``max_batches`` ran. Returns (rows purged, batches run)."""
    purged, batches = 0, 0
    while max_batches is None or batches < max_batches:
        count = purge_batch()
        batches += 1
        purged += count
        log(f"batch {batches}: purged {count} dead letters' raw bytes ({purged} so far)")
        if count < batch_size:
            break
    return purged, batches


# ---------------------------------------------------------------- store access (inside tasks only)

_EXPIRED = "raw_purged_at IS NULL AND first_seen_at < now() - make_interval(days => %s)"


def run_purge(params: Mapping[str, Any], variable: Any, log: Callable[[str], None] = print) -> dict[str, Any]:
    from pipeline_dags.stores import postgres as postgres_store

    days = retention_days(params.get("retention_days"), variable)
    batch_size = int(params.get("batch_size", 1000))
    max_batches = params.get("max_batches")
    dry_run = bool(params.get("dry_run", False))
    conn = postgres_store.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM dead_letters WHERE {_EXPIRED}", (days,))
            expired = int(cur.fetchone()[0])
        conn.commit()
        purged, batches = 0, 0
        if not dry_run and expired > 0:

            def purge_batch() -> int:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT purge_expired_dead_letter_bytes(make_interval(days => %s), %s)", (days, batch_size)
                    )
                    count = int(cur.fetchone()[0])
                conn.commit()
                return count

            purged, batches = purge_in_batches(
                purge_batch, batch_size, None if max_batches is None else int(max_batches), log
            )
        with conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM dead_letters WHERE {_EXPIRED}", (days,))
            left = int(cur.fetchone()[0])
        conn.commit()
    finally:
        conn.close()
    return {
        "retention_days": days,
        "dry_run": dry_run,
        "expired_before": expired,
        "purged": purged,
        "batches": batches,
        "expired_left": left,
    }
