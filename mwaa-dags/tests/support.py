"""Helpers for the DAG tests: known users written straight into the stores, and dag.test() runs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from cql_scans import partition_keys_of, recorded_cql, whole_table_scan
from pipeline_dags.fields_generated import COMPARED_FIELDS

#: Every created_users / users column but the key: what the processor writes, from the generated field list.
USER_COLUMNS = COMPARED_FIELDS


def make_user(ingested_at: datetime, n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A user row as the processor stores it (same values in both stores)."""
    user_id = str(uuid.uuid4())
    registered = ingested_at - timedelta(days=400 + n, hours=3, microseconds=123_456)
    user = {
        "id": user_id,
        "first_name": f"Ada{n}",
        "last_name": "Lovelace",
        "gender": "female",
        "address": f"{n} Main Street, Springfield, Oregon, United States",
        "post_code": f"{97000 + n}",
        "email": f"ada{n}.{user_id[:8]}@example.com",
        "username": f"ada{n}",
        "dob": datetime(1990, 5, 17, 8, 30, 0, 250_000, tzinfo=UTC),
        "registered_date": registered,
        "phone": "(555) 010-0000",
        "picture": f"https://randomuser.me/api/portraits/women/{n % 90}.jpg",
        "event_id": str(uuid.uuid4()),
        "schema_version": 2,
        "source": "ingest-pull",
        "occurred_at": ingested_at - timedelta(seconds=2),
        "ingested_at": ingested_at,
        "nationality": "US",
    }
    user.update(overrides)
    return user


def user_event(user_id: str, *, schema_version: int, source: str, **payload_overrides: Any) -> dict[str, Any]:
    """A user.created event as a producer writes it to the topic (the wire format, by hand)."""
    payload = {
        "id": user_id,
        "first_name": "Grace",
        "last_name": "Hopper",
        "gender": "female",
        "address": "7 Navy Yard, Arlington, Virginia, United States",
        "post_code": "22201",
        "email": f"grace.{user_id[:8]}@example.com",
        "username": "grace",
        "dob": "1906-12-09T00:00:00.000Z",
        "registered_date": "2020-02-03T04:05:06.789Z",
        "phone": "555-0100",
        "picture": "https://randomuser.me/api/portraits/women/2.jpg",
    }
    payload.update(payload_overrides)
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": "user.created",
        "schema_version": schema_version,
        "source": source,
        "occurred_at": "2026-01-01T00:00:00.000Z",
        "ingested_at": "2026-01-01T00:00:01.000Z",
        "payload": payload,
    }


@contextmanager
def kafka_topic(prefix: str, partitions: int) -> Iterator[str]:
    """A topic of its own on the local Kafka (``<prefix>-<random>``), deleted afterwards."""
    from confluent_kafka.admin import AdminClient, NewTopic

    from conftest import kafka_brokers

    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    admin = AdminClient({"bootstrap.servers": kafka_brokers()})
    admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])[name].result(timeout=30)
    yield name
    admin.delete_topics([name])[name].result(timeout=30)


def produce(topic: str, events: list[dict]) -> None:
    """Produces the events keyed by user id with their version headers (confluent-kafka, not the pipeline's kafkajs)."""
    import json

    from confluent_kafka import Producer

    from conftest import kafka_brokers

    producer = Producer({"bootstrap.servers": kafka_brokers(), "enable.idempotence": True})
    for item in events:
        headers = {"schema_version": str(item["schema_version"]), "event_type": item["event_type"]}
        producer.produce(topic, key=item["payload"]["id"], value=json.dumps(item), headers=headers)
    assert producer.flush(30) == 0


def process(topic: str, stores, versions: str | None = None) -> dict:
    """The processor over the topic until it has caught up (one consumer group: one event source mapping)."""
    import shutil
    import subprocess

    from conftest import REPO_ROOT

    npx = shutil.which("npx")
    assert npx, "npx not found"
    command = [npx, "tsx", "local/airflow/process-topic.ts", "--topic", topic, "--group", f"{topic}-processor"]
    command += ["--pg-schema", stores.name, "--keyspace", stores.name]
    if versions:
        command += ["--schema-versions", versions]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def insert_postgres(stores, users: list[dict[str, Any]]) -> None:
    """Writes the users into the throwaway schema over the tests' own (administrator) connection."""
    conn = stores.admin_pg()
    try:
        with conn.cursor() as cur:
            for user in users:
                placeholders = ", ".join(["%s"] * (len(USER_COLUMNS) + 1))
                cur.execute(
                    f"INSERT INTO users (user_id, {', '.join(USER_COLUMNS)}) VALUES ({placeholders})",
                    [user["id"], *(user[c] for c in USER_COLUMNS)],
                )
    finally:
        conn.close()


def _country(address: str) -> str:
    # Mirrors lambdas/shared/schema/cassandra/users-by-signup-day-key.ts for the addresses make_user() builds.
    return address.rsplit(",", 1)[1].strip()


def day_table_setting():
    """The day table the DAGs read (Variable ``signup_day_table``, exported as AIRFLOW_VAR_SIGNUP_DAY_TABLE)."""
    import os

    from pipeline_dags.stores.cassandra import day_table_from

    value = os.environ.get("AIRFLOW_VAR_SIGNUP_DAY_TABLE")
    assert value, 'AIRFLOW_VAR_SIGNUP_DAY_TABLE is not set: eval "$(npm run -s services -- env)" (test.sh does)'
    return day_table_from(value)


def insert_cassandra(session, users: list[dict[str, Any]], signup_day: bool = True, day_table=None) -> None:
    """Writes created_users rows and, with ``signup_day``, day-table rows into ``day_table`` (default: the table
    the DAGs read). A writer's bucket is the hash of the id; readers read every bucket, so these tests put the
    n-th user in bucket n % bucket_count, the last bucket included, without the hash."""
    from cassandra.util import Date

    table = day_table or day_table_setting()
    created = session.prepare(
        f"INSERT INTO created_users (id, {', '.join(USER_COLUMNS)}) VALUES (?, {', '.join(['?'] * len(USER_COLUMNS))})"
    )
    key_columns = ["signup_day", "country"] + ([] if table.bucket_count is None else ["bucket"])
    columns = [*key_columns, "registered_date", "id", "first_name", "last_name", "gender", "email", "username"]
    columns += ["event_id", "ingested_at"]
    by_day = session.prepare(
        f"INSERT INTO {table.table} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"
    )
    for index, user in enumerate(users):
        values = [uuid.UUID(user["id"])]
        for column in USER_COLUMNS:
            value = user[column]
            values.append(uuid.UUID(value) if column == "event_id" else value)
        session.execute(created, values)
        if signup_day:
            registered = user["registered_date"].astimezone(UTC)
            key = [Date(registered.date()), _country(user["address"])]
            if table.bucket_count is not None:
                key.append(index % table.bucket_count)
            session.execute(
                by_day,
                [
                    *key,
                    registered,
                    uuid.UUID(user["id"]),
                    user["first_name"],
                    user["last_name"],
                    user["gender"],
                    user["email"],
                    user["username"],
                    uuid.UUID(user["event_id"]),
                    user["ingested_at"],
                ],
            )


def run_dag(dagbag, dag_id: str, conf: dict[str, Any], logical_date: datetime | None = None, cql_log=None):
    """dag.test() in this process; returns (dag_run state, {task_id: state}, run_id).

    Every CQL statement the run sends is recorded (appended to ``cql_log`` when given); the run fails the test
    when one of them scans a whole table (no DAG may: Keyspaces bills the data a query reads)."""
    dag = dagbag.get_dag(dag_id)
    assert dag is not None, f"{dag_id} not in the DagBag: {dagbag.import_errors}"
    with recorded_cql() as sent:
        dag_run = dag.test(run_conf=conf, logical_date=logical_date) if logical_date else dag.test(run_conf=conf)
    if cql_log is not None:
        cql_log.extend(sent)
    assert_no_table_scan(sent)
    states = {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}
    assert states, f"no task ran in {dag_run.run_id}"
    assert "None" not in states.values(), f"not every task ran: {states}"
    return str(dag_run.state), states, dag_run.run_id


def assert_no_table_scan(statements: list[str]) -> None:
    """Fails when a statement reads a whole table of the keyspace the DAG connection points at."""
    if not statements:
        return
    import json
    import os

    from conftest import cassandra_cluster

    keyspace = json.loads(os.environ["AIRFLOW_CONN_PIPELINE_CASSANDRA"])["schema"]
    cluster = cassandra_cluster()
    try:
        keys = partition_keys_of(cluster.connect(), keyspace)
    finally:
        cluster.shutdown()
    assert keys, f"no tables in keyspace {keyspace}"
    scans = {cql: why for cql in statements if (why := whole_table_scan(cql, keys))}
    assert not scans, f"DAG queries that scan a whole table: {scans}"
