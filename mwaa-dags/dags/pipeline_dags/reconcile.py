"""Reconciliation of PostgreSQL ``users`` with Cassandra ``created_users`` (+ ``users_by_signup_day``).

For a window of ``ingested_at``:
1. ids and ``ingested_at`` of the window from both stores -> counts per UTC day and the ids only one store has
   (Cassandra is scanned with ALLOW FILTERING; set ``cassandra_scan`` false on a big Keyspaces table, where a
   scan is billed per row read, and only the sample check runs);
2. a deterministic sample of ids -> full rows from both stores compared field by field, and the row the
   processor must have written to ``users_by_signup_day`` looked up by its full primary key.

mismatch_count = missing in Cassandra + missing in PostgreSQL + sampled rows with differing fields + sampled
rows absent from users_by_signup_day; mismatch_ratio = mismatch_count / max(rows in either store, 1).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pipeline_dags.fields_generated import (
    COMPARED_FIELDS,
    COUNTRY_SOURCE_FIELD,
    SIGNUP_INSTANT_FIELD,
    TIMESTAMP_FIELDS,
)
from pipeline_dags.thresholds import at_most
from pipeline_dags.windows import Window, utc_day

EXAMPLES = 20
UNKNOWN_COUNTRY = "unknown"
MAX_COUNTRY_LENGTH = 100


# ---------------------------------------------------------------- pure part


def epoch_millis(value: datetime) -> int:
    """Instant -> integer milliseconds (Cassandra keeps milliseconds, PostgreSQL microseconds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def normalize(row: Mapping[str, Any]) -> dict[str, Any]:
    """Comparable form of a row from either store (uuids as lower-case text, instants as epoch millis)."""
    result: dict[str, Any] = {}
    for name in COMPARED_FIELDS:
        value = row.get(name)
        if value is None:
            result[name] = None
        elif name in TIMESTAMP_FIELDS:
            result[name] = epoch_millis(value) if isinstance(value, datetime) else value
        elif isinstance(value, uuid.UUID) or name == "event_id":
            result[name] = str(value).lower()
        elif name == "schema_version":
            result[name] = int(value)
        else:
            result[name] = value
    return result


def differing_fields(postgres_row: Mapping[str, Any], cassandra_row: Mapping[str, Any]) -> list[str]:
    left, right = normalize(postgres_row), normalize(cassandra_row)
    return [name for name in COMPARED_FIELDS if left[name] != right[name]]


def counts_by_day(pairs: Iterable[tuple[str, datetime]]) -> Counter[str]:
    return Counter(utc_day(ingested_at) for _, ingested_at in pairs)


def day_table(postgres: Mapping[str, int], cassandra: Mapping[str, int] | None) -> list[dict[str, Any]]:
    days = sorted(set(postgres) | set(cassandra or {}))
    rows = []
    for day in days:
        pg = int(postgres.get(day, 0))
        cass = None if cassandra is None else int(cassandra.get(day, 0))
        rows.append({"day": day, "postgres": pg, "cassandra": cass, "diff": None if cass is None else cass - pg})
    return rows


def choose_sample(ids: Iterable[str], size: int, seed: str) -> list[str]:
    """Deterministic (per seed) sample without replacement, independent of input order."""
    population = sorted(set(ids))
    if size <= 0 or not population:
        return []
    if size >= len(population):
        return population
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    return sorted(random.Random(digest).sample(population, size))  # noqa: S311 - sampling, not security


def country_of(address: str) -> str:
    """Same rule as lambdas/shared/schema/cassandra/users-by-signup-day-key.ts (countryOf)."""
    parts = address.split(",")
    if len(parts) < 2:
        return UNKNOWN_COUNTRY
    country = parts[-1].strip()
    return UNKNOWN_COUNTRY if country == "" or len(country) > MAX_COUNTRY_LENGTH else country


def signup_day_key(row: Mapping[str, Any]) -> tuple[str, str, datetime, str]:
    """(signup_day, country, signup instant, id) of the users_by_signup_day row a user must have."""
    registered = row[SIGNUP_INSTANT_FIELD]
    if registered.tzinfo is None:
        registered = registered.replace(tzinfo=UTC)
    registered = registered.astimezone(UTC)
    registered = registered.replace(microsecond=registered.microsecond // 1000 * 1000)
    return registered.date().isoformat(), country_of(row[COUNTRY_SOURCE_FIELD]), registered, str(row["id"]).lower()


def build_report(
    window: Window,
    postgres_pairs: Sequence[tuple[str, datetime]],
    cassandra_pairs: Sequence[tuple[str, datetime]] | None,
    sample_ids: Sequence[str],
    postgres_rows: Mapping[str, Mapping[str, Any]],
    cassandra_rows: Mapping[str, Mapping[str, Any]],
    signup_day_present: Mapping[str, bool],
    max_mismatch_ratio: float,
) -> dict[str, Any]:
    """Everything a run found, with the verdict. Inputs are plain data so this is testable without stores."""
    pg_ids = {row_id for row_id, _ in postgres_pairs}
    cass_ids = None if cassandra_pairs is None else {row_id for row_id, _ in cassandra_pairs}
    missing_in_cassandra = sorted(pg_ids - cass_ids) if cass_ids is not None else []
    missing_in_postgres = sorted(cass_ids - pg_ids) if cass_ids is not None else []

    field_mismatches, sample_missing_cassandra, sample_missing_postgres, missing_signup = [], [], [], []
    for row_id in sample_ids:
        pg_row, cass_row = postgres_rows.get(row_id), cassandra_rows.get(row_id)
        if pg_row is None:
            sample_missing_postgres.append(row_id)
            continue
        if cass_row is None:
            # Absent from created_users: one mismatch, whatever users_by_signup_day holds.
            sample_missing_cassandra.append(row_id)
            continue
        fields = differing_fields(pg_row, cass_row)
        if fields:
            field_mismatches.append({"id": row_id, "fields": fields})
        if not signup_day_present.get(row_id, False):
            missing_signup.append(row_id)

    mismatch_count = len(missing_in_cassandra) + len(missing_in_postgres) + len(field_mismatches) + len(missing_signup)
    if cass_ids is None:
        # Without a scan the sample is the only evidence of rows missing from Cassandra.
        mismatch_count += len(sample_missing_cassandra)
    population = max(len(pg_ids), len(cass_ids or ()), 1)
    check = at_most("mismatch_ratio", mismatch_count / population, max_mismatch_ratio)
    return {
        "window": window.to_dict(),
        "postgres_count": len(pg_ids),
        "cassandra_count": None if cass_ids is None else len(cass_ids),
        "days": day_table(
            counts_by_day(postgres_pairs), None if cassandra_pairs is None else counts_by_day(cassandra_pairs)
        ),
        "missing_in_cassandra": {"count": len(missing_in_cassandra), "examples": missing_in_cassandra[:EXAMPLES]},
        "missing_in_postgres": {"count": len(missing_in_postgres), "examples": missing_in_postgres[:EXAMPLES]},
        "sample": {
            "size": len(sample_ids),
            "missing_in_cassandra": sample_missing_cassandra[:EXAMPLES],
            "missing_in_postgres": sample_missing_postgres[:EXAMPLES],
            "field_mismatches": {"count": len(field_mismatches), "examples": field_mismatches[:EXAMPLES]},
            "missing_in_users_by_signup_day": {"count": len(missing_signup), "examples": missing_signup[:EXAMPLES]},
        },
        "mismatch_count": mismatch_count,
        "mismatch_ratio": check.value,
        "max_mismatch_ratio": check.threshold,
        "passed": check.passed,
    }


# ---------------------------------------------------------------- store access (inside tasks only)

_PG_COLUMNS = ", ".join(["user_id::text AS id", *COMPARED_FIELDS])
_CQL_COLUMNS = ", ".join(["id", *COMPARED_FIELDS])


class WindowTooLargeError(RuntimeError):
    pass


def postgres_window(conn, window: Window, max_rows: int) -> list[tuple[str, datetime]]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM users WHERE ingested_at >= %s AND ingested_at < %s", (window.start, window.end)
        )
        count = cur.fetchone()[0]
        if count > max_rows:
            raise WindowTooLargeError(
                f"{count} PostgreSQL rows in the window > max_rows={max_rows}; use a smaller window"
            )
        cur.execute(
            "SELECT user_id::text, ingested_at FROM users WHERE ingested_at >= %s AND ingested_at < %s",
            (window.start, window.end),
        )
        return [(row_id.lower(), ingested_at) for row_id, ingested_at in cur.fetchall()]


def postgres_rows(conn, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    with conn.cursor() as cur:
        cur.execute(f"SELECT {_PG_COLUMNS} FROM users WHERE user_id = ANY(%s::uuid[])", (list(ids),))
        names = [column.name for column in cur.description]
        return {row[0].lower(): dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def cassandra_window(session, keyspace: str, window: Window, max_rows: int) -> list[tuple[str, datetime]]:
    from cassandra.query import SimpleStatement

    statement = SimpleStatement(
        f"SELECT id, ingested_at FROM {keyspace}.created_users "
        "WHERE ingested_at >= %s AND ingested_at < %s ALLOW FILTERING",
        fetch_size=5000,
    )
    pairs = []
    for row in session.execute(statement, (window.start, window.end)):
        pairs.append((str(row.id).lower(), row.ingested_at))
        if len(pairs) > max_rows:
            raise WindowTooLargeError(f"more than max_rows={max_rows} Cassandra rows in the window")
    return pairs


def cassandra_rows(session, keyspace: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    from cassandra.concurrent import execute_concurrent_with_args

    if not ids:
        return {}
    prepared = session.prepare(f"SELECT {_CQL_COLUMNS} FROM {keyspace}.created_users WHERE id = ?")
    results = execute_concurrent_with_args(session, prepared, [(uuid.UUID(i),) for i in ids], concurrency=32)
    rows: dict[str, dict[str, Any]] = {}
    for ok, result in results:
        if not ok:
            raise result
        for row in result:
            as_dict = row._asdict()
            rows[str(as_dict["id"]).lower()] = as_dict
    return rows


def signup_day_presence(session, keyspace: str, rows: Mapping[str, Mapping[str, Any]]) -> dict[str, bool]:
    from cassandra.concurrent import execute_concurrent_with_args
    from cassandra.util import Date

    if not rows:
        return {}
    prepared = session.prepare(
        f"SELECT id FROM {keyspace}.users_by_signup_day "
        f"WHERE signup_day = ? AND country = ? AND {SIGNUP_INSTANT_FIELD} = ? AND id = ?"
    )
    keyed = [(row_id, signup_day_key({**row, "id": row_id})) for row_id, row in rows.items()]
    args = [(Date(day), country, registered, uuid.UUID(row_id)) for row_id, (day, country, registered, _) in keyed]
    results = execute_concurrent_with_args(session, prepared, args, concurrency=32)
    presence = {}
    for (row_id, _), (ok, result) in zip(keyed, results, strict=True):
        if not ok:
            raise result
        presence[row_id] = result.one() is not None
    return presence


def run_reconciliation(window: Window, params: Mapping[str, Any], seed: str) -> dict[str, Any]:
    """Connect to both stores, gather, compare. Returns build_report()'s dict (JSON-serialisable)."""
    from pipeline_dags.stores import cassandra as cassandra_store
    from pipeline_dags.stores import postgres as postgres_store

    max_rows = int(params.get("max_rows", 500_000))
    sample_size = int(params.get("sample_size", 200))
    scan = bool(params.get("cassandra_scan", True))

    conn = postgres_store.connect()
    try:
        conn.set_session(readonly=True, autocommit=True)
        pg_pairs = postgres_window(conn, window, max_rows)
        cfg = cassandra_store.load_settings()
        cluster, session = cassandra_store.connect(cfg)
        try:
            cass_pairs = cassandra_window(session, cfg.keyspace, window, max_rows) if scan else None
            in_both = {i for i, _ in pg_pairs} & {i for i, _ in cass_pairs} if cass_pairs is not None else None
            sample_ids = choose_sample(in_both if in_both is not None else (i for i, _ in pg_pairs), sample_size, seed)
            pg_rows = postgres_rows(conn, sample_ids)
            cass_rows = cassandra_rows(session, cfg.keyspace, sample_ids)
            signup = signup_day_presence(session, cfg.keyspace, pg_rows)
        finally:
            cluster.shutdown()
    finally:
        conn.close()
    report = build_report(
        window,
        pg_pairs,
        cass_pairs,
        sample_ids,
        pg_rows,
        cass_rows,
        signup,
        float(params.get("max_mismatch_ratio", 0.0)),
    )
    report["keyspace"] = cfg.keyspace
    report["cassandra_scan"] = scan
    return report
