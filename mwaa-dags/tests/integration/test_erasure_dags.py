"""Erasure and retention in the DAGs, end to end (dag.test) on the real local PostgreSQL, Cassandra and Kafka:

* reconcile_stores: a user erased in one store and still in the other is consistent while the erasure is in
  flight, a mismatch (an incomplete erasure) once it should have arrived;
* data_quality: a row whose user has a deletion at least as new is a breach;
* dead_letter_retention: raw bytes past the retention are purged, as the DAGs' role, in batches;
* replay_dead_letters: purged dead letters are never replayed, and a replayed older create of an erased user
  does not bring it back (the processor's newest-wins rules, local/airflow/process-topic.ts).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from conftest import REPO_ROOT, kafka_brokers
from support import day_table_setting, insert_cassandra, insert_postgres, kafka_topic, make_user, run_dag, user_event

pytestmark = pytest.mark.integration


def admin_sql(stores, sql: str, params=()) -> list[tuple]:
    conn = stores.admin_pg()
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def tombstone(stores, user: dict, *, updated_at: datetime, later_by: timedelta = timedelta(seconds=1)) -> None:
    """Erases ``user`` in PostgreSQL as erase_users() leaves it: no row, a tombstone newer than the row's event."""
    admin_sql(stores, "DELETE FROM users WHERE user_id = %s", (user["id"],))
    admin_sql(
        stores,
        "INSERT INTO user_tombstones (user_id, occurred_at, event_id, reason, recorded_at, updated_at) "
        "VALUES (%s, %s, %s, 'user_request', %s, %s) "
        "ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at",
        (user["id"], user["occurred_at"] + later_by, str(uuid.uuid4()), updated_at, updated_at),
    )


def reconciliation(stores, run_id: str) -> dict:
    rows = admin_sql(
        stores, "SELECT report FROM reconciliation_runs WHERE dag_id = 'reconcile_stores' AND run_id = %s", (run_id,)
    )
    report = rows[0][0]
    return report if isinstance(report, dict) else json.loads(report)


def test_reconcile_treats_an_erasure_in_flight_as_consistent_and_an_old_one_as_incomplete(dagbag, stores):
    start = datetime(2002, 4, 5, 9, 0, tzinfo=UTC)
    end = start + timedelta(hours=1)
    users = [make_user(start + timedelta(minutes=5 * i + 1), n=i) for i in range(4)]
    # users[1] shares users[0]'s day-table partition, so the run reads it (reads are bounded to the
    # partitions of PostgreSQL's window rows, and users[1] has none once erased there).
    users[1]["registered_date"] = users[0]["registered_date"]
    insert_postgres(stores, users)
    cluster, session = stores.cassandra()
    insert_cassandra(session, users)
    # users[2]: erased in Cassandra (rows gone, tombstone kept), not yet in PostgreSQL.
    session.execute("DELETE FROM created_users WHERE id = %s", (uuid.UUID(users[2]["id"]),))
    registered = users[2]["registered_date"].astimezone(UTC)
    day_table = day_table_setting()
    bucket = [] if day_table.bucket_count is None else [2 % day_table.bucket_count]  # insert_cassandra's bucket
    session.execute(
        f"DELETE FROM {day_table.table} WHERE signup_day = %s AND country = %s"
        f"{'' if not bucket else ' AND bucket = %s'} AND registered_date = %s AND id = %s",
        (registered.date(), "United States", *bucket, registered, uuid.UUID(users[2]["id"])),
    )
    session.execute(
        "INSERT INTO user_tombstones (id, event_id, occurred_at, reason) VALUES (%s, %s, %s, 'user_request')",
        (uuid.UUID(users[2]["id"]), uuid.uuid4(), datetime.now(UTC)),
    )
    cluster.shutdown()
    # users[1]: erased in PostgreSQL just now (after the window's end), still in Cassandra: in flight.
    tombstone(stores, users[1], updated_at=datetime.now(UTC))
    conf = {
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "sample_size": 10,
        "max_mismatch_ratio": 0.0,
        "max_rows": 500000,
    }

    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", conf)
    assert state == "success", tasks
    report = reconciliation(stores, run_id)
    assert report["erasures"] == {
        "in_flight": {"count": 2, "examples": sorted([users[1]["id"], users[2]["id"]])},
        "incomplete": {"count": 0, "examples": []},
    }
    assert report["mismatch_count"] == 0

    # The same PostgreSQL erasure recorded in the window: it should have reached Cassandra by now. Seen twice (the
    # partition read, and the point read of every erasure of the window), counted once.
    admin_sql(stores, "UPDATE user_tombstones SET updated_at = %s WHERE user_id = %s", (start, users[1]["id"]))
    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", conf)
    assert state == "failed"
    assert tasks["enforce"] == "failed"
    report = reconciliation(stores, run_id)
    assert report["erasures"]["incomplete"] == {"count": 1, "examples": [users[1]["id"]]}
    assert report["mismatch_count"] == 1

    # An erasure of the window whose user lives in a partition no window row maps to: the point read finds it.
    lone = make_user(start + timedelta(minutes=50), n=40)
    cluster, session = stores.cassandra()
    insert_cassandra(session, [lone])
    cluster.shutdown()
    admin_sql(
        stores,
        "INSERT INTO user_tombstones (user_id, occurred_at, event_id, reason, updated_at) "
        "VALUES (%s, %s, %s, 'user_request', %s)",
        (lone["id"], lone["occurred_at"] + timedelta(seconds=1), str(uuid.uuid4()), start + timedelta(minutes=51)),
    )
    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", conf)
    assert state == "failed"
    report = reconciliation(stores, run_id)
    assert report["erasures"]["incomplete"]["examples"] == sorted([users[1]["id"], lone["id"]])


def quality_breaches(stores, run_id: str) -> list[dict]:
    rows = admin_sql(
        stores, "SELECT breaches FROM data_quality_runs WHERE dag_id = 'data_quality' AND run_id = %s", (run_id,)
    )
    breaches = rows[0][0]
    return breaches if isinstance(breaches, list) else json.loads(breaches)


def test_data_quality_fails_when_an_erased_user_still_has_a_row(dagbag, stores):
    start = datetime(2002, 7, 8, 10, 0, tzinfo=UTC)
    end = start + timedelta(hours=1)
    users = [make_user(start + timedelta(minutes=3 * i + 1), n=i) for i in range(5)]
    insert_postgres(stores, users)
    # users[0] re-created after an older erasure: a tombstone older than its row is no defect.
    admin_sql(
        stores,
        "INSERT INTO user_tombstones (user_id, occurred_at, event_id, reason, updated_at) "
        "VALUES (%s, %s, %s, 'user_request', %s)",
        (users[0]["id"], users[0]["occurred_at"] - timedelta(days=1), str(uuid.uuid4()), start),
    )
    # Every threshold named: dag.test() keeps an earlier run's conf (another test's) for params a run leaves out.
    conf = {
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "max_freshness_minutes": 120,
        "max_dead_letter_rate": 0.01,
        "max_duplicate_email_rate": 0.01,
        "max_duplicate_event_ids": 0,
        "max_blank_rate": 0.0,
        "max_tombstoned_rows": 0,
        "min_rows": 0,
    }
    state, tasks, run_id = run_dag(dagbag, "data_quality", conf)
    assert state == "success", (tasks, quality_breaches(stores, run_id))

    # users[3]'s erasure is newer than its row, yet the row is there (a writer bypassed erase_users()).
    admin_sql(
        stores,
        "INSERT INTO user_tombstones (user_id, occurred_at, event_id, reason, updated_at) "
        "VALUES (%s, %s, %s, 'user_request', %s)",
        (users[3]["id"], users[3]["occurred_at"] + timedelta(seconds=1), str(uuid.uuid4()), start),
    )
    state, tasks, run_id = run_dag(dagbag, "data_quality", conf)
    assert state == "failed"
    breach = next(b for b in quality_breaches(stores, run_id) if b["name"] == "tombstoned_rows")
    assert breach["value"] == 1
    assert breach["detail"]["examples"] == [users[3]["id"]]


def add_dead_letter(stores, name: str, first_seen_at: datetime, key: bytes | None, value: bytes) -> int:
    return admin_sql(
        stores,
        "INSERT INTO dead_letters (fingerprint, reason, raw_key, raw_value, kafka_topic, kafka_partition, "
        "kafka_offset, first_seen_at, last_seen_at) "
        "VALUES (encode(sha256(%s::bytea), 'hex'), 'schema_violation', %s, %s, 'users_created', 0, %s, %s, %s) "
        "RETURNING id",
        (name.encode() + os.urandom(8), key, value, abs(hash(name)) % 10**9, first_seen_at, first_seen_at),
    )[0][0]


def test_dead_letter_retention_purges_raw_bytes_past_the_retention(dagbag, stores):
    now = datetime.now(UTC)
    admin_sql(stores, "DELETE FROM dead_letters")
    old = [
        add_dead_letter(stores, f"old-{i}", now - timedelta(days=40 + i), b"k", b'{"email":"x@example.com"}')
        for i in range(3)
    ]
    recent = add_dead_letter(stores, "recent", now - timedelta(days=10), b"k", b'{"email":"y@example.com"}')

    state, tasks, _ = run_dag(dagbag, "dead_letter_retention", {"retention_days": 30, "batch_size": 2, "dry_run": True})
    assert state == "success", tasks
    assert admin_sql(stores, "SELECT count(*) FROM dead_letters WHERE raw_purged_at IS NOT NULL") == [(0,)]

    # Batches of 2: the three expired rows take two batches; the recent one stays.
    # (Every run names its params: dag.test() keeps a previous run's conf for params a run leaves out.)
    state, tasks, _ = run_dag(
        dagbag, "dead_letter_retention", {"retention_days": 30, "batch_size": 2, "dry_run": False}
    )
    assert state == "success", tasks
    rows = {
        row_id: (raw_key, raw_value, reason, purge_reason, offset is not None)
        for row_id, raw_key, raw_value, reason, purge_reason, offset in admin_sql(
            stores, "SELECT id, raw_key, raw_value, reason, raw_purge_reason, kafka_offset FROM dead_letters"
        )
    }
    for row_id in old:
        assert rows[row_id] == (None, None, "schema_violation", "retention", True), rows
    assert rows[recent][3] is None
    assert bytes(rows[recent][1]) == b'{"email":"y@example.com"}'

    # Without the param the stage's retention comes from the Airflow Variable CDK sets.
    os.environ["AIRFLOW_VAR_DEAD_LETTER_RAW_BYTES_RETENTION_DAYS"] = "7"
    try:
        state, tasks, _ = run_dag(dagbag, "dead_letter_retention", {"retention_days": None, "dry_run": False})
    finally:
        del os.environ["AIRFLOW_VAR_DEAD_LETTER_RAW_BYTES_RETENTION_DAYS"]
    assert state == "success", tasks
    assert admin_sql(stores, "SELECT raw_purge_reason FROM dead_letters WHERE id = %s", (recent,)) == [("retention",)]


@pytest.fixture(scope="module")
def topic():
    with kafka_topic("airflow-it-erasure", partitions=2) as name:
        yield name


def produce(topic: str, messages: list[tuple[str, dict]]) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": kafka_brokers(), "enable.idempotence": True})
    for key, value in messages:
        headers = {"event_type": value.get("event_type", "")}
        producer.produce(topic, key=key, value=json.dumps(value), headers=headers)
    assert producer.flush(30) == 0


def process(topic: str, stores) -> dict:
    npx = shutil.which("npx")
    assert npx, "npx not found"
    command = [npx, "tsx", "local/airflow/process-topic.ts", "--topic", topic, "--group", f"{topic}-processor"]
    command += ["--pg-schema", stores.name, "--keyspace", stores.name]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def where_is(stores, user_id: str) -> dict:
    postgres = admin_sql(stores, "SELECT count(*) FROM users WHERE user_id = %s", (user_id,))[0][0]
    cluster, session = stores.cassandra()
    try:
        cassandra = len(list(session.execute("SELECT id FROM created_users WHERE id = %s", (uuid.UUID(user_id),))))
    finally:
        cluster.shutdown()
    return {"postgres": postgres, "cassandra": cassandra}


def test_replayed_dead_letters_never_bring_an_erased_user_back(dagbag, stores, topic):
    admin_sql(stores, "DELETE FROM dead_letters")
    user_id = str(uuid.uuid4())
    create = {**user_event(user_id, schema_version=2, source="ingest-http"), "occurred_at": "2026-01-01T10:00:00.000Z"}
    # A record keyed by the user that the processor refuses: a dead letter the erasure purges.
    refused = {**create, "event_id": str(uuid.uuid4()), "payload": {**create["payload"], "phone": ""}}
    deletion = {
        "event_id": str(uuid.uuid4()),
        "event_type": "user.deleted",
        "schema_version": 1,
        "source": "ingest-http",
        "occurred_at": "2026-01-02T10:00:00.000Z",
        "ingested_at": "2026-01-02T10:00:00.000Z",
        "payload": {"id": user_id, "reason": "user_request"},
    }
    produce(topic, [(user_id, create), (user_id, refused), (user_id, deletion)])
    process(topic, stores)
    assert where_is(stores, user_id) == {"postgres": 0, "cassandra": 0}
    assert admin_sql(stores, "SELECT reason, raw_value, raw_purge_reason FROM dead_letters") == [
        ("schema_violation", None, "erasure")
    ]

    # An older create of the user under another key (a faulty producer): the erasure could not attribute it.
    older = {**create, "event_id": str(uuid.uuid4()), "occurred_at": "2026-01-01T09:00:00.000Z"}
    stray = add_dead_letter(stores, "stray", datetime.now(UTC), b"not-the-user-id", json.dumps(older).encode())
    conf = {"topic": topic, "dry_run": False, "reasons": [], "allow_invalid": False, "new_event_id": True, "limit": 100}
    state, tasks, _ = run_dag(dagbag, "replay_dead_letters", conf)
    assert state == "success", tasks
    # Only the stray one went out (the purged one is never selected), and the processor refused it.
    assert admin_sql(stores, "SELECT id FROM dead_letters WHERE replayed_at IS NOT NULL") == [(stray,)]
    assert process(topic, stores)["records"] == 1
    assert where_is(stores, user_id) == {"postgres": 0, "cassandra": 0}
