"""Replay of dead letters: re-produce their raw value to the topic, mark them replayed.

Selection: ``dead_letters`` with ``replayed_at IS NULL`` whose raw bytes were not purged (by an erasure or the
retention), optionally of some reasons, oldest first, until ``limit`` replayable ones are found or ``max_scan``
rows were looked at. Rows are locked (FOR UPDATE SKIP LOCKED) for the whole run, so two concurrent runs never
replay the same row. A replayed event goes through the processor like any other, so its user's newest-wins rules
apply (an older create never brings an erased user back).

Each chosen dead letter's raw value is parsed and validated against the JSON Schema of its event type and
schema_version (user.created or user.deleted):
* valid -> produced with key = payload.id, its stored headers plus ``replayed_from_dead_letter``; by default with
  a fresh ``event_id`` (the contract: "a replay produces a new event_id"), which becomes ``replay_event_id``, and
  a user.created as the current schema version (an older event is upcast: the fields added since are optional,
  so only the version number changes); with ``new_event_id`` false the raw bytes go out unchanged and
  ``replay_event_id`` is their event_id;
* invalid -> skipped and reported (left unreplayed), unless ``allow_invalid``: then produced as it is (the key
  falls back to the raw key when the payload id cannot be read).
Only records the broker acknowledged are marked (``replayed_at = now()``), in the same transaction that locked
them, so a second run with the same parameters replays nothing new. Delivery is at-least-once: a crash between
the broker's ack and the commit replays those records again, which the processor's upserts absorb.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline_dags.fields_generated import CURRENT_SCHEMA_VERSION

#: The type whose older versions a replay upcasts (user.deleted has one version).
USER_CREATED = "user.created"

REPLAY_HEADER = "replayed_from_dead_letter"
EXAMPLES = 50


@dataclass(frozen=True)
class DeadLetter:
    id: int
    reason: str
    raw_key: bytes | None
    raw_value: bytes | None
    headers: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ReplayPlan:
    dead_letter_id: int
    reason: str
    produce: bool
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    replay_event_id: str | None = None
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.dead_letter_id,
            "reason": self.reason,
            "key": None if self.key is None else self.key.decode("utf-8", "replace"),
            "replay_event_id": self.replay_event_id,
            "problems": self.problems,
        }


@dataclass
class Selection:
    to_produce: list[ReplayPlan] = field(default_factory=list)
    skipped: list[ReplayPlan] = field(default_factory=list)
    scanned: int = 0


def _uuid_or_none(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def plan(
    dead_letter: DeadLetter,
    *,
    validate: Callable[[Any], list[str]],
    new_event_id: str | None,
    allow_invalid: bool,
) -> ReplayPlan:
    """What to do with one dead letter (pure: ``validate`` and ``new_event_id`` are given)."""
    raw = dead_letter.raw_value
    problems: list[str] = []
    envelope: Any = None
    value = raw
    replay_event_id = None
    if not raw:
        problems.append("empty_value: nothing to replay")
    else:
        try:
            envelope = json.loads(bytes(raw).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            problems.append(f"invalid_json: {str(error)[:200]}")
        else:
            if new_event_id is not None and isinstance(envelope, dict):
                envelope = {**envelope, "event_id": new_event_id, **_upcast(envelope)}
                value = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                replay_event_id = new_event_id
            elif isinstance(envelope, dict):
                replay_event_id = _uuid_or_none(envelope.get("event_id"))
            problems.extend(validate(envelope))

    payload = envelope.get("payload") if isinstance(envelope, dict) else None
    payload_id = payload.get("id") if isinstance(payload, dict) else None
    key = payload_id.encode("utf-8") if isinstance(payload_id, str) and payload_id else dead_letter.raw_key

    headers = {str(k): str(v) for k, v in (dead_letter.headers or {}).items() if v is not None}
    if isinstance(envelope, dict):
        for name in ("schema_version", "event_type"):
            if isinstance(envelope.get(name), (str, int)) and not isinstance(envelope.get(name), bool):
                headers[name] = str(envelope[name])
    headers[REPLAY_HEADER] = str(dead_letter.id)

    produce = bool(raw) and (not problems or allow_invalid)
    return ReplayPlan(
        dead_letter_id=dead_letter.id,
        reason=dead_letter.reason,
        produce=produce,
        key=None if key is None else bytes(key),
        value=None if value is None else bytes(value),
        headers=[(name, text.encode("utf-8")) for name, text in sorted(headers.items())],
        replay_event_id=replay_event_id if produce else None,
        problems=problems,
    )


def _upcast(envelope: Mapping[str, Any]) -> dict[str, int]:
    """The current schema_version for a user.created envelope of an older one; nothing for any other."""
    if envelope.get("event_type") != USER_CREATED:
        return {}
    version = envelope.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and 1 <= version < CURRENT_SCHEMA_VERSION:
        return {"schema_version": CURRENT_SCHEMA_VERSION}
    return {}


def select(
    candidates: Iterable[DeadLetter],
    planner: Callable[[DeadLetter], ReplayPlan],
    limit: int,
    max_scan: int,
) -> Selection:
    """Consume candidates (oldest first) until ``limit`` are to be produced or ``max_scan`` were looked at."""
    selection = Selection()
    if limit <= 0:
        return selection
    for dead_letter in candidates:
        if selection.scanned >= max_scan:
            break
        selection.scanned += 1
        decided = planner(dead_letter)
        (selection.to_produce if decided.produce else selection.skipped).append(decided)
        if len(selection.to_produce) >= limit:
            break
    return selection


def report(
    selection: Selection, *, dry_run: bool, topic: str, params: Mapping[str, Any], failed: Sequence[dict] = ()
) -> dict:
    delivered = [p for p in selection.to_produce if p.dead_letter_id not in {f["id"] for f in failed}]
    return {
        "dry_run": dry_run,
        "topic": topic,
        "reasons": list(params.get("reasons") or []),
        "limit": int(params.get("limit", 0)),
        "allow_invalid": bool(params.get("allow_invalid", False)),
        "new_event_id": bool(params.get("new_event_id", True)),
        "scanned": selection.scanned,
        ("would_replay" if dry_run else "replayed"): {
            "count": len(delivered),
            "examples": [p.summary() for p in delivered[:EXAMPLES]],
        },
        "skipped_invalid": {
            "count": len(selection.skipped),
            "examples": [p.summary() for p in selection.skipped[:EXAMPLES]],
        },
        "failed": {"count": len(failed), "examples": list(failed[:EXAMPLES])},
    }


# ---------------------------------------------------------------- store and broker access (inside tasks only)

_SELECT = """
SELECT id, reason, raw_key, raw_value, headers, first_seen_at
FROM dead_letters
WHERE replayed_at IS NULL
  AND raw_purged_at IS NULL
  AND (%(all_reasons)s OR reason = ANY(%(reasons)s))
  AND (first_seen_at, id) > (%(after_ts)s::timestamptz, %(after_id)s)
ORDER BY first_seen_at, id
LIMIT %(page)s
"""


def fetch_candidates(cur, reasons: Sequence[str], lock: bool, page: int = 200) -> Iterator[DeadLetter]:
    after_ts, after_id = "-infinity", 0
    sql = _SELECT + (" FOR UPDATE SKIP LOCKED" if lock else "")
    while True:
        cur.execute(
            sql,
            {
                "all_reasons": not reasons,
                "reasons": list(reasons),
                "after_ts": after_ts,
                "after_id": after_id,
                "page": page,
            },
        )
        rows = cur.fetchall()
        for row_id, reason, raw_key, raw_value, headers, first_seen_at in rows:
            yield DeadLetter(
                id=int(row_id),
                reason=reason,
                raw_key=None if raw_key is None else bytes(raw_key),
                raw_value=None if raw_value is None else bytes(raw_value),
                headers=headers if isinstance(headers, dict) else None,
            )
            after_ts, after_id = first_seen_at, row_id
        if len(rows) < page:
            return


def produce_all(producer, topic: str, plans: Sequence[ReplayPlan], timeout_s: float) -> list[dict]:
    """Produce and wait for acknowledgements; returns the failures ({id, error}) — empty when all landed."""
    outcome: dict[int, str | None] = {}
    for item in plans:

        def on_delivery(err, _msg, dead_letter_id=item.dead_letter_id):
            outcome[dead_letter_id] = None if err is None else str(err)

        while True:
            try:
                producer.produce(topic, key=item.key, value=item.value, headers=item.headers, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.5)
        producer.poll(0)
    producer.flush(timeout_s)
    failures = []
    for item in plans:
        error = outcome.get(item.dead_letter_id, "no delivery report before the flush timeout")
        if error is not None:
            failures.append({"id": item.dead_letter_id, "error": error})
    return failures


def run_replay(params: Mapping[str, Any]) -> dict[str, Any]:
    from pipeline_dags import contract, settings
    from pipeline_dags.stores import kafka as kafka_store
    from pipeline_dags.stores import postgres as postgres_store

    reasons = [r for r in (params.get("reasons") or []) if r]
    limit = int(params.get("limit", 100))
    max_scan = int(params.get("max_scan") or max(limit * 10, 100))
    dry_run = bool(params.get("dry_run", True))
    topic = params.get("topic") or settings.DEFAULT_TOPIC
    allow_invalid = bool(params.get("allow_invalid", False))
    rewrite_event_id = bool(params.get("new_event_id", True))

    def planner(dead_letter: DeadLetter) -> ReplayPlan:
        fresh = str(uuid.uuid4()) if rewrite_event_id else None
        return plan(dead_letter, validate=contract.problems, new_event_id=fresh, allow_invalid=allow_invalid)

    failed: list[dict] = []
    conn = postgres_store.connect()
    try:
        with conn, conn.cursor() as cur:
            selection = select(fetch_candidates(cur, reasons, lock=not dry_run), planner, limit, max_scan)
            if not dry_run and selection.to_produce:
                producer = kafka_store.make_producer()
                failed = produce_all(producer, topic, selection.to_produce, float(params.get("flush_timeout_s", 60)))
                failed_ids = {f["id"] for f in failed}
                for item in selection.to_produce:
                    if item.dead_letter_id in failed_ids:
                        continue
                    cur.execute(
                        "UPDATE dead_letters SET replayed_at = now(), replay_event_id = %s "
                        "WHERE id = %s AND replayed_at IS NULL",
                        (item.replay_event_id, item.dead_letter_id),
                    )
    finally:
        conn.close()
    return report(selection, dry_run=dry_run, topic=topic, params=params, failed=failed)
