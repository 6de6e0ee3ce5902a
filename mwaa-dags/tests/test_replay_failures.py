"""The replay's failure handling: a dead letter is marked replayed only when the broker acknowledged it.

The broker is a stand-in that fails chosen deliveries or never reports (a flush timeout); the database is a
cursor that records what it is asked to do. What is checked is what the replay sends and marks.
"""

from __future__ import annotations

import json

import pytest

from pipeline_dags import replay
from pipeline_dags.replay import DeadLetter, produce_all, run_replay
from test_replay_logic import envelope


class StandInProducer:
    """confluent-kafka's Producer surface; ``failing`` deliveries report an error, ``silent`` ones never report."""

    def __init__(self, failing=(), silent=False):
        self.failing = set(failing)
        self.silent = silent
        self.produced: list[int] = []
        self.flush_timeouts: list[float] = []
        self._pending = []

    def produce(self, topic, *, key, value, headers, on_delivery):
        dead_letter_id = int(dict(headers)[replay.REPLAY_HEADER])
        self.produced.append(dead_letter_id)
        self._pending.append((dead_letter_id, on_delivery))

    def poll(self, _timeout):
        return 0

    def flush(self, timeout):
        self.flush_timeouts.append(timeout)
        if self.silent:
            return len(self._pending)
        for dead_letter_id, on_delivery in self._pending:
            on_delivery("KafkaError: broker down" if dead_letter_id in self.failing else None, None)
        self._pending.clear()
        return 0


class RecordingCursor:
    def __init__(self):
        self.statements: list[tuple[str, tuple]] = []

    def execute(self, sql, params=()):
        self.statements.append((sql, params))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class RecordingConnection:
    def __init__(self):
        self.cursor_ = RecordingCursor()
        self.closed = False

    def cursor(self):
        return self.cursor_

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def dead_letters(*ids):
    return [DeadLetter(i, "schema_violation", b"k", json.dumps(envelope()).encode(), {"trace_id": str(i)}) for i in ids]


def plans(*ids):
    return [replay.plan(d, validate=lambda _e: [], new_event_id=None, allow_invalid=False) for d in dead_letters(*ids)]


def test_produce_all_reports_each_failed_delivery_with_its_error():
    producer = StandInProducer(failing={2})
    assert produce_all(producer, "t", plans(1, 2, 3), timeout_s=5) == [{"id": 2, "error": "KafkaError: broker down"}]
    assert producer.produced == [1, 2, 3]


def test_produce_all_reports_every_record_without_a_delivery_report_at_the_flush_timeout():
    producer = StandInProducer(silent=True)
    failures = produce_all(producer, "t", plans(1, 2), timeout_s=0.5)
    assert failures == [
        {"id": 1, "error": "no delivery report before the flush timeout"},
        {"id": 2, "error": "no delivery report before the flush timeout"},
    ]
    assert producer.flush_timeouts == [0.5]


@pytest.fixture
def stores(monkeypatch):
    """run_replay wired to the stand-in broker and the recording database, with three replayable dead letters."""
    from pipeline_dags.stores import kafka as kafka_store
    from pipeline_dags.stores import postgres as postgres_store

    connection = RecordingConnection()
    wiring = {"connection": connection, "producer": StandInProducer()}
    monkeypatch.setattr(postgres_store, "connect", lambda: connection)
    monkeypatch.setattr(kafka_store, "make_producer", lambda: wiring["producer"])
    monkeypatch.setattr(replay, "fetch_candidates", lambda _cur, _reasons, lock: iter(dead_letters(1, 2, 3)))
    return wiring


def marked_ids(connection):
    return [params[1] for sql, params in connection.cursor_.statements if "SET replayed_at" in sql]


def test_a_failed_delivery_is_not_marked_replayed(stores):
    stores["producer"] = StandInProducer(failing={2})
    result = run_replay({"dry_run": False, "limit": 10, "topic": "t"})
    assert marked_ids(stores["connection"]) == [1, 3]
    assert result["replayed"]["count"] == 2
    assert result["failed"] == {"count": 1, "examples": [{"id": 2, "error": "KafkaError: broker down"}]}
    assert stores["connection"].closed


def test_a_flush_timeout_marks_nothing_replayed(stores):
    stores["producer"] = StandInProducer(silent=True)
    result = run_replay({"dry_run": False, "limit": 10, "topic": "t", "flush_timeout_s": 0.1})
    assert marked_ids(stores["connection"]) == []
    assert result["replayed"]["count"] == 0
    assert result["failed"]["count"] == 3


def test_every_acknowledged_delivery_is_marked(stores):
    result = run_replay({"dry_run": False, "limit": 10, "topic": "t"})
    assert marked_ids(stores["connection"]) == [1, 2, 3]
    assert result["failed"]["count"] == 0
