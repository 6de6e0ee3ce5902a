from __future__ import annotations

import json
import uuid

import pytest

from pipeline_dags import contract
from pipeline_dags.replay import REPLAY_HEADER, DeadLetter, plan, report, select

USER_ID = "6f1c3a52-1b2c-4d3e-8f90-123456789abc"
NEW_EVENT_ID = "2d9a4c1e-5b6f-4a7b-9c8d-0e1f2a3b4c5d"


def envelope(**payload_overrides):
    payload = {
        "id": USER_ID,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "gender": "female",
        "address": "1 Main Street, Springfield, Oregon, United States",
        "post_code": "97001",
        "email": "ada@example.com",
        "username": "ada",
        "dob": "1990-05-17T08:30:00.250Z",
        "registered_date": "2020-01-02T03:04:05.678Z",
        "phone": "555",
        "picture": "https://randomuser.me/api/portraits/women/1.jpg",
    }
    payload.update(payload_overrides)
    return {
        "event_id": "0b6f7c1e-7d1a-4c55-9c1b-9f2d3e4a5b6c",
        "event_type": "user.created",
        "schema_version": 1,
        "source": "ingest-pull",
        "occurred_at": "2026-01-01T00:00:00.000Z",
        "ingested_at": "2026-01-01T00:00:01.000Z",
        "payload": payload,
    }


def dead(value, key=b"raw-key", reason="schema_violation", dl_id=7, headers=None):
    raw = value if isinstance(value, bytes) or value is None else json.dumps(value).encode()
    return DeadLetter(dl_id, reason, key, raw, headers if headers is not None else {"trace_id": "abc"})


def test_the_contract_accepts_a_valid_event_and_rejects_a_broken_one():
    assert contract.problems(envelope()) == []
    problems = contract.problems(envelope(email="not an email"))
    assert problems
    assert problems[0].startswith("payload/email")


def test_valid_dead_letter_gets_a_new_event_id_and_the_payload_id_as_key():
    decided = plan(dead(envelope()), validate=contract.problems, new_event_id=NEW_EVENT_ID, allow_invalid=False)
    assert decided.produce is True
    assert decided.key == USER_ID.encode()
    assert decided.replay_event_id == NEW_EVENT_ID
    produced = json.loads(decided.value)
    # A v1 event goes out as the current version: v2 only added an optional field.
    assert produced == {**envelope(), "event_id": NEW_EVENT_ID, "schema_version": 2}
    assert contract.problems(produced) == []
    headers = dict(decided.headers)
    assert headers[REPLAY_HEADER] == b"7"
    assert headers["trace_id"] == b"abc"
    assert headers["schema_version"] == b"2"
    assert headers["event_type"] == b"user.created"


def test_v2_events_are_judged_by_the_v2_schema_and_keep_their_nationality():
    v2 = {**envelope(nationality="FR"), "schema_version": 2}
    decided = plan(dead(v2), validate=contract.problems, new_event_id=NEW_EVENT_ID, allow_invalid=False)
    assert decided.produce is True
    assert json.loads(decided.value)["payload"]["nationality"] == "FR"
    bad = {**envelope(nationality="fr"), "schema_version": 2}
    assert contract.problems(bad)[0].startswith("payload/nationality")
    # v1 has no nationality: the v1 schema refuses it.
    assert contract.problems(envelope(nationality="FR"))


def test_without_new_event_id_the_raw_bytes_go_out_unchanged():
    raw = json.dumps(envelope(), indent=2).encode()
    decided = plan(dead(raw), validate=contract.problems, new_event_id=None, allow_invalid=False)
    assert decided.value == raw
    assert decided.replay_event_id == "0b6f7c1e-7d1a-4c55-9c1b-9f2d3e4a5b6c"


def test_invalid_records_are_skipped_unless_allowed():
    broken = dead(envelope(email="nope"))
    skipped = plan(broken, validate=contract.problems, new_event_id=NEW_EVENT_ID, allow_invalid=False)
    assert skipped.produce is False
    assert skipped.replay_event_id is None
    assert skipped.problems
    forced = plan(broken, validate=contract.problems, new_event_id=NEW_EVENT_ID, allow_invalid=True)
    assert forced.produce is True
    assert forced.key == USER_ID.encode()


@pytest.mark.parametrize(("raw", "problem"), [(b"{not json", "invalid_json"), (b"\xff\xfe", "invalid_json")])
def test_unparseable_values_keep_the_raw_key(raw, problem):
    decided = plan(dead(raw), validate=contract.problems, new_event_id=NEW_EVENT_ID, allow_invalid=True)
    assert decided.problems[0].startswith(problem)
    assert decided.key == b"raw-key"
    assert decided.value == raw
    assert decided.produce is True  # allow_invalid
    assert decided.replay_event_id is None


def test_an_empty_value_is_never_produced():
    decided = plan(dead(None, key=None), validate=contract.problems, new_event_id=NEW_EVENT_ID, allow_invalid=True)
    assert decided.produce is False
    assert decided.problems == ["empty_value: nothing to replay"]


def test_selection_stops_at_limit_and_max_scan():
    letters = [dead(envelope(email="bad") if i % 2 else envelope(), dl_id=i) for i in range(10)]

    def planner(letter):
        return plan(letter, validate=contract.problems, new_event_id=str(uuid.uuid4()), allow_invalid=False)

    chosen = select(iter(letters), planner, limit=3, max_scan=100)
    assert [p.dead_letter_id for p in chosen.to_produce] == [0, 2, 4]
    assert [p.dead_letter_id for p in chosen.skipped] == [1, 3]
    assert chosen.scanned == 5
    capped = select(iter(letters), planner, limit=10, max_scan=4)
    assert capped.scanned == 4
    assert len(capped.to_produce) == 2
    assert select(iter(letters), planner, limit=0, max_scan=10).scanned == 0


def test_report_separates_replayed_skipped_and_failed():
    letters = [dead(envelope(), dl_id=1), dead(envelope(), dl_id=2), dead(b"{", dl_id=3)]
    chosen = select(
        iter(letters),
        lambda d: plan(d, validate=contract.problems, new_event_id=str(uuid.uuid4()), allow_invalid=False),
        limit=5,
        max_scan=5,
    )
    summary = report(chosen, dry_run=False, topic="t", params={"limit": 5}, failed=[{"id": 2, "error": "x"}])
    assert summary["replayed"]["count"] == 1
    assert summary["replayed"]["examples"][0]["id"] == 1
    assert summary["skipped_invalid"]["count"] == 1
    assert summary["failed"] == {"count": 1, "examples": [{"id": 2, "error": "x"}]}
    assert report(chosen, dry_run=True, topic="t", params={})["would_replay"]["count"] == 2


def deletion(**payload_overrides):
    return {
        "event_id": "3c2b1a09-8f7e-4d6c-9b5a-0f1e2d3c4b5a",
        "event_type": "user.deleted",
        "schema_version": 1,
        "source": "ingest-http",
        "occurred_at": "2026-01-02T00:00:00.000Z",
        "ingested_at": "2026-01-02T00:00:00.000Z",
        "payload": {"id": USER_ID, "reason": "user_request", **payload_overrides},
    }


def test_a_dead_lettered_deletion_is_judged_by_the_user_deleted_schema_and_replayed_as_it_is():
    # e.g. dead-lettered as unsupported_event_type by a processor that did not know user.deleted yet.
    decided = plan(
        dead(deletion(), reason="unsupported_event_type"),
        validate=contract.problems,
        new_event_id=NEW_EVENT_ID,
        allow_invalid=False,
    )
    assert decided.produce is True
    assert decided.key == USER_ID.encode()
    produced = json.loads(decided.value)
    # Not upcast: user.deleted has one version.
    assert produced == {**deletion(), "event_id": NEW_EVENT_ID}
    assert dict(decided.headers)["event_type"] == b"user.deleted"


def test_the_user_deleted_schema_refuses_personal_data_and_free_text():
    assert contract.problems(deletion()) == []
    assert contract.problems(deletion(reason="she asked"))[0].startswith("payload/reason")
    assert contract.problems(deletion(email="ada@example.com"))
    # An unknown type is judged as user.created, whose schema names the event_type.
    assert any(p.startswith("event_type") for p in contract.problems({**deletion(), "event_type": "user.merged"}))
