"""The tables where reconciliation and data-quality runs are recorded (PostgreSQL).

The DDL lives in ``sql/*.sql`` next to this module. Until those files are added as project migrations, tasks
create the tables if they are missing (``CREATE TABLE IF NOT EXISTS`` under an advisory lock, so concurrent
runs do not race); set ``PIPELINE_DAGS_CREATE_TABLES=false`` once the migrations own them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline_dags import settings

SQL_DIR = Path(__file__).resolve().parent / "sql"
RUN_TABLES = ("reconciliation_runs", "data_quality_runs")
#: Arbitrary fixed key, different from the migration runner's.
_DDL_LOCK_KEY = 7305981643378160412


def ddl(table: str) -> str:
    if table not in RUN_TABLES:
        raise ValueError(f"unknown run table {table!r}")
    return (SQL_DIR / f"{table}.sql").read_text(encoding="utf-8")


def ensure_table(conn, table: str) -> None:
    """Create the run table when missing (no-op when PIPELINE_DAGS_CREATE_TABLES=false)."""
    if not settings.create_run_tables():
        return
    with conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
        if cur.fetchone()[0]:
            return
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_DDL_LOCK_KEY,))
        cur.execute(ddl(table))


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def record_reconciliation(conn, dag_id: str, run_id: str, report: Mapping[str, Any]) -> int:
    ensure_table(conn, "reconciliation_runs")
    with conn, conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO reconciliation_runs (
              dag_id, run_id, window_start, window_end, postgres_count, cassandra_count, mismatch_count,
              mismatch_ratio, max_mismatch_ratio, passed, report)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)
            ON CONFLICT (dag_id, run_id) DO UPDATE SET
              window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
              postgres_count = EXCLUDED.postgres_count, cassandra_count = EXCLUDED.cassandra_count,
              mismatch_count = EXCLUDED.mismatch_count, mismatch_ratio = EXCLUDED.mismatch_ratio,
              max_mismatch_ratio = EXCLUDED.max_mismatch_ratio, passed = EXCLUDED.passed,
              report = EXCLUDED.report, recorded_at = now()
            RETURNING id
            """,
            (
                dag_id,
                run_id,
                report["window"]["start"],
                report["window"]["end"],
                report["postgres_count"],
                report["cassandra_count"],
                report["mismatch_count"],
                report["mismatch_ratio"],
                report["max_mismatch_ratio"],
                report["passed"],
                _json(report),
            ),
        )
        return int(cur.fetchone()[0])


def record_data_quality(conn, dag_id: str, run_id: str, result: Mapping[str, Any]) -> int:
    ensure_table(conn, "data_quality_runs")
    metrics = result["metrics"]
    with conn, conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO data_quality_runs (
              dag_id, run_id, window_start, window_end, rows_in_window, freshness_lag_seconds,
              dead_letter_rate, passed, metrics, checks, breaches)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s::jsonb)
            ON CONFLICT (dag_id, run_id) DO UPDATE SET
              window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
              rows_in_window = EXCLUDED.rows_in_window, freshness_lag_seconds = EXCLUDED.freshness_lag_seconds,
              dead_letter_rate = EXCLUDED.dead_letter_rate, passed = EXCLUDED.passed,
              metrics = EXCLUDED.metrics, checks = EXCLUDED.checks, breaches = EXCLUDED.breaches,
              recorded_at = now()
            RETURNING id
            """,
            (
                dag_id,
                run_id,
                result["window"]["start"],
                result["window"]["end"],
                metrics["rows_in_window"],
                metrics["freshness_lag_seconds"],
                metrics["dead_letter_rate"],
                result["passed"],
                _json(metrics),
                _json(result["checks"]),
                _json(result["breaches"]),
            ),
        )
        return int(cur.fetchone()[0])
