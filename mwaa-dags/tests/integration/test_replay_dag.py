"""replay_dead_letters end to end (dag.test): real PostgreSQL dead letters re-produced to a real Kafka topic."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from conftest import kafka_brokers
from support import kafka_topic, run_dag, user_event

pytestmark = pytest.mark.integration


def event(user_id: str, **payload_overrides) -> dict:
    return user_event(user_id, schema_version=1, source="ingest-http", **payload_overrides)


@pytest.fixture(scope="module")
def topic():
    with kafka_topic("airflow-it-replay", partitions=1) as name:
        yield name


def consume_all(topic: str, expect: int, timeout_s: float = 20.0) -> list:
    from confluent_kafka import Consumer

    consumer = Consumer(
        {
            "bootstrap.servers": kafka_brokers(),
            "group.id": f"airflow-it-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    messages, waited = [], 0.0
    try:
        while waited < timeout_s:
            message = consumer.poll(1.0)
            waited += 1.0
            if message is None:
                if len(messages) >= expect and waited > 3:
                    break
                continue
            assert message.error() is None, message.error()
            messages.append(message)
    finally:
        consumer.close()
    return messages


@pytest.fixture(scope="module")
def dead_letters(stores):
    """Four dead letters: two that now pass the contract, one broken JSON, one that still fails the schema."""
    user_ok, user_key_mismatch, user_bad = (str(uuid.uuid4()) for _ in range(3))
    rows = {
        "ok": ("unsupported_schema_version", b"k-ok", json.dumps(event(user_ok)).encode()),
        "key_mismatch": ("key_mismatch", b"not-the-user-id", json.dumps(event(user_key_mismatch)).encode()),
        "broken_json": ("invalid_json", b"k-broken", b'{"event_id": '),
        "still_invalid": ("schema_violation", b"k-bad", json.dumps(event(user_bad, email="nope")).encode()),
    }
    ids = {}
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        # The schema is this session's own; other tests' dead letters must not take part in the replay.
        cur.execute("DELETE FROM dead_letters")
        for position, (name, (reason, key, value)) in enumerate(rows.items()):
            cur.execute(
                "INSERT INTO dead_letters (fingerprint, reason, raw_key, raw_value, headers, kafka_topic, "
                "kafka_partition, kafka_offset, first_seen_at) VALUES "
                "(encode(sha256(%s::bytea), 'hex'), %s, %s, %s, %s::jsonb, 'users_created', 0, %s, "
                "now() - make_interval(mins => %s))",
                (
                    name.encode() + os.urandom(8),
                    reason,
                    key,
                    value,
                    json.dumps({"trace_id": f"t-{name}"}),
                    position,
                    10 - position,
                ),
            )
            cur.execute("SELECT currval(pg_get_serial_sequence('dead_letters', 'id'))")
            ids[name] = cur.fetchone()[0]
    conn.close()
    return {"ids": ids, "users": {"ok": user_ok, "key_mismatch": user_key_mismatch, "still_invalid": user_bad}}


def replay_state(stores):
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute("SELECT id, replayed_at IS NOT NULL, replay_event_id::text FROM dead_letters ORDER BY id")
        rows = {row[0]: (row[1], row[2]) for row in cur.fetchall()}
    conn.close()
    return rows


def test_replay(dagbag, stores, topic, dead_letters):
    ids, users = dead_letters["ids"], dead_letters["users"]

    # 1. Dry run: reports, produces nothing, marks nothing.
    state, tasks, _ = run_dag(dagbag, "replay_dead_letters", {"topic": topic, "dry_run": True})
    assert state == "success", tasks
    assert all(not replayed for replayed, _ in replay_state(stores).values())
    assert consume_all(topic, expect=0, timeout_s=4) == []

    # 2. Real run: the two valid ones go out (key = payload id, fresh event_id), the invalid ones are skipped.
    state, tasks, _ = run_dag(dagbag, "replay_dead_letters", {"topic": topic, "dry_run": False})
    assert state == "success", tasks
    marks = replay_state(stores)
    assert {name for name, i in ids.items() if marks[i][0]} == {"ok", "key_mismatch"}
    messages = consume_all(topic, expect=2)
    assert len(messages) == 2
    by_key = {m.key().decode(): m for m in messages}
    assert set(by_key) == {users["ok"], users["key_mismatch"]}
    for name in ("ok", "key_mismatch"):
        message = by_key[users[name]]
        value = json.loads(message.value())
        headers = {k: v.decode() for k, v in message.headers()}
        assert value["event_id"] == marks[ids[name]][1]  # replay_event_id is the new event's id
        assert value["payload"]["id"] == users[name]
        assert headers["replayed_from_dead_letter"] == str(ids[name])
        assert headers["trace_id"] == f"t-{name}"
        assert headers["event_type"] == "user.created"

    # 3. Same parameters again: nothing new.
    state, tasks, _ = run_dag(dagbag, "replay_dead_letters", {"topic": topic, "dry_run": False})
    assert state == "success", tasks
    assert replay_state(stores) == marks
    assert len(consume_all(topic, expect=2)) == 2

    # 4. Reason filter + allow_invalid: only the schema_violation one, produced as it is.
    conf = {"topic": topic, "dry_run": False, "reasons": ["schema_violation"], "allow_invalid": True}
    state, tasks, _ = run_dag(dagbag, "replay_dead_letters", conf)
    assert state == "success", tasks
    marks = replay_state(stores)
    assert marks[ids["still_invalid"]][0] is True
    assert marks[ids["broken_json"]][0] is False
    messages = consume_all(topic, expect=3)
    assert sorted(m.key().decode() for m in messages) == sorted(
        [users["ok"], users["key_mismatch"], users["still_invalid"]]
    )
