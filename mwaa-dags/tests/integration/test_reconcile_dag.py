"""reconcile_stores end to end (dag.test) on the real local PostgreSQL and Cassandra."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from support import day_table_setting, insert_cassandra, insert_postgres, make_user, run_dag

pytestmark = pytest.mark.integration


def window_conf(start: datetime, hours: int, **extra):
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=hours)).isoformat(), **extra}


def recorded(stores, run_id):
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT passed, postgres_count, cassandra_count, mismatch_count, report FROM reconciliation_runs "
            "WHERE dag_id = 'reconcile_stores' AND run_id = %s",
            (run_id,),
        )
        row = cur.fetchone()
    conn.close()
    assert row is not None, f"no reconciliation_runs row for {run_id}"
    passed, pg_count, cass_count, mismatches, report = row
    return passed, pg_count, cass_count, mismatches, report if isinstance(report, dict) else json.loads(report)


def test_identical_stores_pass(dagbag, stores):
    start = datetime(2001, 3, 4, 20, 0, tzinfo=UTC)  # the window spans two UTC days
    users = [make_user(start + timedelta(minutes=37 * i + 1), n=i) for i in range(12)]
    insert_postgres(stores, users)
    cluster, session = stores.cassandra()
    insert_cassandra(session, users)
    cluster.shutdown()

    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", window_conf(start, 8, sample_size=50))

    assert state == "success", tasks
    passed, pg_count, cass_count, mismatches, report = recorded(stores, run_id)
    assert (passed, pg_count, cass_count, mismatches) == (True, 12, 12, 0)
    assert [d["day"] for d in report["days"]] == ["2001-03-04", "2001-03-05"]
    assert sum(d["postgres"] for d in report["days"]) == 12
    assert report["sample"]["size"] == 12
    assert report["keyspace"] == stores.name


@pytest.fixture(scope="module")
def diverged(stores):
    """10 users in PostgreSQL; Cassandra lacks one, has another with a different email, has one extra user and
    lacks one users_by_signup_day row."""
    start = datetime(2001, 6, 10, 8, 0, tzinfo=UTC)
    users = [make_user(start + timedelta(minutes=5 * i + 1), n=i) for i in range(10)]
    insert_postgres(stores, users)
    changed = {**users[2], "email": "someone.else@example.com"}
    # Only in Cassandra, in the users_by_signup_day partition of users[5] (same signup day and country): seen.
    extra = make_user(start + timedelta(minutes=30), n=5, registered_date=users[5]["registered_date"])
    # Only in Cassandra, in a partition none of PostgreSQL's window rows maps to: not seen without a scan.
    unseen = make_user(start + timedelta(minutes=31), n=99)
    cluster, session = stores.cassandra()
    insert_cassandra(session, [users[1], changed, *users[4:], extra, unseen])
    insert_cassandra(session, [users[3]], signup_day=False)
    cluster.shutdown()
    return {"start": start, "users": users, "extra": extra}


def test_seeded_mismatch_fails_the_run(dagbag, stores, diverged):
    users = diverged["users"]
    cql: list[str] = []
    state, tasks, run_id = run_dag(
        dagbag, "reconcile_stores", window_conf(diverged["start"], 1, sample_size=100), cql_log=cql
    )

    assert state == "failed"
    assert tasks["compare"] == "success"
    assert tasks["record"] == "success"  # the verdict is recorded before the run fails
    assert tasks["enforce"] == "failed"
    passed, pg_count, cass_count, mismatches, report = recorded(stores, run_id)
    # users_by_signup_day holds 8 of ours (not users[0], users[3]) + the extra one in a partition it read.
    assert (passed, pg_count, cass_count) == (False, 10, 9)
    assert report["missing_in_cassandra"] == {"count": 2, "examples": sorted([users[0]["id"], users[3]["id"]])}
    assert report["missing_in_postgres"] == {"count": 1, "examples": [diverged["extra"]["id"]]}
    assert report["sample"]["field_mismatches"]["examples"] == [{"id": users[2]["id"], "fields": ["email"]}]
    assert report["sample"]["missing_in_cassandra"] == [users[0]["id"]]
    assert report["partitions_read"] == 10
    # Every bucket of each (day, country) is read: the reader needs no hash.
    assert report["partition_reads"] == 10 * day_table_setting().bucket_count
    assert mismatches == 4
    # Bounded reads only: one query per partition key and point reads by id (run_dag fails on any scan).
    assert {q.split(" WHERE ")[1] for q in cql if " FROM " in q} == {
        "signup_day = ? AND country = ? AND bucket = ?",
        "id = ?",
    }


def test_threshold_is_a_param_and_a_small_sample_still_checks_the_whole_window(dagbag, stores, diverged):
    conf = window_conf(diverged["start"], 1, sample_size=0, max_mismatch_ratio=0.5)
    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", conf)

    assert state == "success", tasks
    passed, pg_count, cass_count, mismatches, report = recorded(stores, run_id)
    assert (passed, pg_count, cass_count) == (True, 10, 9)
    # Without a sample: the partitions still show the two rows missing from Cassandra and the extra one.
    assert mismatches == 3
    assert report["sample"]["size"] == 0


def test_every_bucket_of_a_busy_day_is_read(dagbag, stores):
    """Three times as many users as buckets, all of one country and signup day, one row in each bucket in turn
    (the last one included): the reconciliation finds every one."""
    buckets = day_table_setting().bucket_count
    start = datetime(2003, 9, 1, 10, 0, tzinfo=UTC)
    registered = datetime(2003, 8, 1, 7, 0, tzinfo=UTC)
    users = [
        make_user(start + timedelta(seconds=20 * i + 1), n=i, registered_date=registered) for i in range(3 * buckets)
    ]
    insert_postgres(stores, users)
    cluster, session = stores.cassandra()
    insert_cassandra(session, users)
    cluster.shutdown()

    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", window_conf(start, 1, sample_size=0))

    assert state == "success", tasks
    passed, pg_count, cass_count, mismatches, report = recorded(stores, run_id)
    assert (passed, pg_count, cass_count, mismatches) == (True, 3 * buckets, 3 * buckets, 0)
    assert (report["partitions_read"], report["partition_reads"]) == (1, buckets)
