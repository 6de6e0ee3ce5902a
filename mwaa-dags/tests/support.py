"""Helpers for the DAG tests: known users written straight into the stores, and dag.test() runs."""

from __future__ import annotations

import uuid
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


def insert_cassandra(session, users: list[dict[str, Any]], signup_day: bool = True) -> None:
    from cassandra.util import Date

    created = session.prepare(
        f"INSERT INTO created_users (id, {', '.join(USER_COLUMNS)}) VALUES (?, {', '.join(['?'] * len(USER_COLUMNS))})"
    )
    by_day = session.prepare(
        "INSERT INTO users_by_signup_day (signup_day, country, registered_date, id, first_name, last_name, gender, "
        "email, username, event_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for user in users:
        values = [uuid.UUID(user["id"])]
        for column in USER_COLUMNS:
            value = user[column]
            values.append(uuid.UUID(value) if column == "event_id" else value)
        session.execute(created, values)
        if signup_day:
            registered = user["registered_date"].astimezone(UTC)
            session.execute(
                by_day,
                [
                    Date(registered.date()),
                    _country(user["address"]),
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

    from cassandra.cluster import Cluster
    from cassandra.policies import DCAwareRoundRobinPolicy

    from conftest import cassandra_settings

    keyspace = json.loads(os.environ["AIRFLOW_CONN_PIPELINE_CASSANDRA"])["schema"]
    cfg = cassandra_settings()
    cluster = Cluster(
        cfg["contact_points"], port=cfg["port"], load_balancing_policy=DCAwareRoundRobinPolicy(cfg["local_dc"])
    )
    try:
        keys = partition_keys_of(cluster.connect(), keyspace)
    finally:
        cluster.shutdown()
    assert keys, f"no tables in keyspace {keyspace}"
    scans = {cql: why for cql in statements if (why := whole_table_scan(cql, keys))}
    assert not scans, f"DAG queries that scan a whole table: {scans}"
