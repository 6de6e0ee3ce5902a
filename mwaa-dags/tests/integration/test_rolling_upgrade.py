"""Shipping a new schema version, on the real services, in the order an operator meets it (docs/extending.md):

1. an outside producer already writes v2 while the processor is the previous release, which knows only v1:
   the v2 events become ``unsupported_schema_version`` dead letters, the v1 events land;
2. the processor is upgraded (same consumer group, so it resumes where the old one stopped);
3. ``replay_dead_letters`` re-produces the dead letters, and the upgraded processor stores them with their
   nationality;
4. nothing is lost and nothing is duplicated.

The producer is confluent-kafka (an implementation independent of the pipeline's kafkajs). The processor is the
project's processMskEvent behind the local MSK bridge (local/airflow/process-topic.ts); the previous release is
the same code told to accept only schema_version 1.
"""

from __future__ import annotations

import uuid

import pytest

from support import kafka_topic, process, produce, run_dag, user_event

pytestmark = pytest.mark.integration

NATIONALITIES = ["FR", "DE", "JP", "BR"]


def event(user_id: str, version: int, nationality: str | None) -> dict:
    extra = {} if nationality is None else {"nationality": nationality}
    return user_event(user_id, schema_version=version, source="outside-producer", **extra)


@pytest.fixture(scope="module")
def topic():
    with kafka_topic("airflow-it-upgrade", partitions=2) as name:
        yield name


def stored(stores, user_ids: list[str]) -> tuple[dict, dict]:
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT user_id::text, nationality, schema_version FROM users WHERE user_id = ANY(%s::uuid[])",
            (user_ids,),
        )
        postgres = {row[0]: (row[1], row[2]) for row in cur.fetchall()}
    conn.close()
    cluster, session = stores.cassandra()
    try:
        query = session.prepare("SELECT id, nationality, schema_version FROM created_users WHERE id IN ?")
        rows = session.execute(query, [[uuid.UUID(u) for u in user_ids]])
        cassandra = {str(row.id): (row.nationality, row.schema_version) for row in rows}
    finally:
        cluster.shutdown()
    return postgres, cassandra


def unreplayed_reasons(stores, topic: str) -> dict:
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT reason, count(*) FROM dead_letters WHERE replayed_at IS NULL AND kafka_topic = %s GROUP BY reason",
            (topic,),
        )
        reasons = dict(cur.fetchall())
    conn.close()
    return reasons


def test_v2_reaches_a_v1_processor_then_is_replayed_after_the_upgrade(dagbag, stores, topic):
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        # The schema is this session's own; other tests' dead letters must not take part in the replay.
        cur.execute("DELETE FROM dead_letters")
    conn.close()
    v1_users = [str(uuid.uuid4()) for _ in range(3)]
    v2_users = [str(uuid.uuid4()) for _ in range(4)]
    produce(
        topic,
        [event(u, 1, None) for u in v1_users]
        + [event(u, 2, NATIONALITIES[i]) for i, u in enumerate(v2_users)]
        + [event(v2_users[0], 2, NATIONALITIES[0])],  # a redelivered duplicate
    )

    # 1. The previous release: v1 lands, every v2 record becomes an unsupported_schema_version dead letter.
    old = process(topic, stores, versions="1")
    assert old["records"] == 8
    postgres, cassandra = stored(stores, v1_users + v2_users)
    assert set(postgres) == set(cassandra) == set(v1_users)
    assert all(value == (None, 1) for value in postgres.values())
    assert unreplayed_reasons(stores, topic) == {"unsupported_schema_version": 5}

    # 2. The upgrade resumes from the old release's committed offsets: nothing is processed twice.
    assert process(topic, stores)["records"] == 0

    # 3. replay_dead_letters re-produces them; the upgraded processor stores them with their nationality.
    conf = {"topic": topic, "dry_run": False, "reasons": ["unsupported_schema_version"]}
    state, tasks, _ = run_dag(dagbag, "replay_dead_letters", conf)
    assert state == "success", tasks
    assert process(topic, stores)["records"] == 5

    # 4. Every user once in both stores, with the right nationality; no dead letter left to replay.
    postgres, cassandra = stored(stores, v1_users + v2_users)
    expected = dict.fromkeys(v1_users, (None, 1)) | {u: (NATIONALITIES[i], 2) for i, u in enumerate(v2_users)}
    assert postgres == expected
    assert cassandra == expected
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users WHERE user_id = ANY(%s::uuid[])", (v1_users + v2_users,))
        assert cur.fetchone()[0] == len(v1_users) + len(v2_users)
    conn.close()
    assert unreplayed_reasons(stores, topic) == {}
