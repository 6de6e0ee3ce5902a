"""The tables where reconciliation and data-quality runs are recorded (PostgreSQL).

Their DDL is a project migration (lambdas/shared/schema/postgres/migrations/0003, 0004), applied on every
deploy by the migrations custom resource and locally by `npm start` / the test fixtures: the DAGs only write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def record_reconciliation(conn, dag_id: str, run_id: str, report: Mapping[str, Any]) -> int:
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
