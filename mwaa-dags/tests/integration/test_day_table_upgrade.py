"""reconcile_stores through a stage's day-table upgrade (docs/scaling.md), on the real local services.

Users written the way the previous release wrote them (the unbucketed ``users_by_signup_day``); the DAG reads
that table while the stage dual-writes (Variable ``signup_day_table`` with ``bucket_count`` null); the bucketed
table does not have them before the backfill; ``npm run day-table -- backfill`` copies them; after the readers'
switch the DAG finds every user in the bucketed table, reading every bucket. The TypeScript side of the same
procedure is test/integration/local/day-table/backfill.test.ts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from conftest import REPO_ROOT
from pipeline_dags.stores.cassandra import DayTable
from support import day_table_setting, insert_cassandra, insert_postgres, make_user, run_dag

pytestmark = pytest.mark.integration

LEGACY = DayTable("users_by_signup_day", None)


def reconcile(dagbag, stores, start: datetime, day_table: DayTable, monkeypatch) -> dict:
    monkeypatch.setenv(
        "AIRFLOW_VAR_SIGNUP_DAY_TABLE", json.dumps({"table": day_table.table, "bucket_count": day_table.bucket_count})
    )
    conf = {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=1)).isoformat(), "sample_size": 0}
    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", conf)
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute("SELECT report FROM reconciliation_runs WHERE run_id = %s", (run_id,))
        report = cur.fetchone()[0]
    conn.close()
    report = report if isinstance(report, dict) else json.loads(report)
    return {"state": state, "tasks": tasks, **report}


def test_reconcile_reads_the_legacy_table_until_the_backfill_then_every_bucket(dagbag, stores, monkeypatch, tmp_path):
    bucketed = day_table_setting()
    start = datetime(2004, 2, 1, 12, 0, tzinfo=UTC)
    registered = datetime(2004, 1, 15, 8, 0, tzinfo=UTC)
    users = [make_user(start + timedelta(seconds=30 * i + 1), n=i, registered_date=registered) for i in range(40)]
    insert_postgres(stores, users)
    cluster, session = stores.cassandra()
    insert_cassandra(session, users, day_table=LEGACY)  # the previous release's layout
    cluster.shutdown()

    # Dual-write: the DAG reads the legacy table and finds everyone.
    legacy = reconcile(dagbag, stores, start, LEGACY, monkeypatch)
    assert legacy["state"] == "success", legacy["tasks"]
    assert (legacy["postgres_count"], legacy["cassandra_count"], legacy["mismatch_count"]) == (40, 40, 0)
    assert legacy["day_table"] == {"table": "users_by_signup_day", "bucket_count": None}

    # Reading the bucketed table before the backfill would report every user missing: why readers wait.
    early = reconcile(dagbag, stores, start, bucketed, monkeypatch)
    assert early["state"] == "failed"
    assert early["missing_in_cassandra"]["count"] == 40

    npx = shutil.which("npx")
    assert npx, "npx not found"
    checkpoint = tmp_path / "backfill.json"
    command = [npx, "tsx", "local/day-table/cli.ts", "backfill", "--keyspace", stores.name]
    command += ["--buckets", str(bucketed.bucket_count), "--checkpoint", str(checkpoint), "--restart"]
    command += ["--rows-per-second", "0"]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["complete"] is True
    assert result["keyMismatches"] == 0

    # Readers switched: every user found in the bucketed table, every bucket of the (day, country) read.
    switched = reconcile(dagbag, stores, start, bucketed, monkeypatch)
    assert switched["state"] == "success", switched["tasks"]
    assert (switched["postgres_count"], switched["cassandra_count"], switched["mismatch_count"]) == (40, 40, 0)
    assert (switched["partitions_read"], switched["partition_reads"]) == (1, bucketed.bucket_count)
