"""One market's signups, on the real services: 2,000 users of one country and one signup day go through the
processor (local/airflow/process-topic.ts: the local MSK bridge and the processor's sinks), land in every bucket
of that (day, country), and reconcile_stores finds all 2,000 by reading every bucket. The HTTP side of the same
skew (``npm start``'s API, ``npm run query``, the console) is test/integration/scenarios/signup-day-skew.test.ts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from support import day_table_setting, kafka_topic, process, produce, run_dag, user_event

pytestmark = pytest.mark.integration

USERS = 2000
#: This test's own ingestion instant (other tests' events carry user_event's): the reconcile window is built around it.
INGESTED_AT = "2027-03-04T05:06:07.000Z"


def test_one_country_one_day_lands_in_every_bucket_and_is_reconciled(dagbag, stores):
    day_table = day_table_setting()
    ids = [str(uuid.uuid4()) for _ in range(USERS)]
    # Every event: registered 2020-02-03, address "..., United States" (user_event's payload).
    events = [
        {**user_event(user_id, schema_version=2, source="ingest-http", nationality="US"), "ingested_at": INGESTED_AT}
        for user_id in ids
    ]
    with kafka_topic("airflow-it-skew", partitions=3) as topic:
        produce(topic, events)
        stats = process(topic, stores)
    assert stats["records"] == USERS
    assert stats["failedInvocations"] == 0

    cluster, session = stores.cassandra()
    try:
        from cassandra.util import Date

        query = session.prepare(f"SELECT id FROM {day_table.table} WHERE signup_day = ? AND country = ? AND bucket = ?")
        per_bucket = {
            bucket: [
                str(row.id)
                for row in session.execute(query, (Date(datetime(2020, 2, 3).date()), "United States", bucket))
            ]
            for bucket in range(day_table.bucket_count)
        }
    finally:
        cluster.shutdown()
    # Other tests of the session may share the (day, country): count ours.
    mine = set(ids)
    ours = {bucket: [id_ for id_ in rows if id_ in mine] for bucket, rows in per_bucket.items()}
    assert all(ours.values()), {bucket: len(rows) for bucket, rows in ours.items()}
    assert sorted(id_ for rows in ours.values() for id_ in rows) == sorted(ids)

    start = datetime(2027, 3, 4, 5, 0, tzinfo=UTC)
    conf = {"window_start": start.isoformat(), "window_end": (start + timedelta(minutes=10)).isoformat()}
    conf["sample_size"] = 50
    state, tasks, run_id = run_dag(dagbag, "reconcile_stores", conf)
    assert state == "success", tasks
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT postgres_count, cassandra_count, mismatch_count, report FROM reconciliation_runs WHERE run_id = %s",
            (run_id,),
        )
        pg_count, cass_count, mismatches, report = cur.fetchone()
    conn.close()
    assert (pg_count, cass_count, mismatches) == (USERS, USERS, 0)
    assert (report["partitions_read"], report["partition_reads"]) == (1, day_table.bucket_count)
