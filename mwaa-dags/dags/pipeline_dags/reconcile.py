"""Reconciliation of PostgreSQL ``users`` with Cassandra ``created_users`` (+ the day table).

For a window of ``ingested_at``, reading only bounded data from Cassandra / Keyspaces (which bills the data it
reads, not the data it returns; no query here scans a table, and mwaa-dags/tests fails any DAG that does):
1. PostgreSQL's rows of the window (id, ingested_at, signup instant, country source) -> the ``(signup_day,
   country)`` pairs those rows must be in. The day table (Variable ``signup_day_table``:
   ``users_by_signup_day_bucketed``, or the legacy ``users_by_signup_day`` while a stage upgrades) spreads each
   pair over ``bucket_count``
   partitions; every one of them is read whole (one query per partition, by its full partition key, at most
   ``PARTITION_READS_IN_FLIGHT`` at once), so the reader never needs the writers' bucket hash. The rows with
   ``ingested_at`` in the window are Cassandra's side: counts per UTC day and the ids only one store has. A row
   Cassandra holds in a partition no PostgreSQL row of the window maps to is not seen: finding it would need a
   scan (the processor writes PostgreSQL first, so such a row means PostgreSQL lost it);
2. a deterministic sample of PostgreSQL's ids -> full rows from both stores (point reads of ``created_users``
   by partition key) compared field by field.

An id one store has and the other does not may be an erasure on its way: the other store holds a tombstone for
it (PostgreSQL ``user_tombstones`` for an id only in Cassandra, Cassandra ``user_tombstones`` for one only in
PostgreSQL; point reads by id). An erasure recorded at or after the window's end is still in flight (the
processor writes the two stores one after the other): the user is consistent, not a drift. One recorded before
the window's end should have reached both stores by now: an incomplete erasure, personal data left behind,
counted as a mismatch and listed apart. Besides, every erasure PostgreSQL recorded in the window is checked in
Cassandra (a point read of ``created_users`` per erased id, bounded by the window's erasures): a row there that is
not newer than the deletion is an incomplete erasure too, whichever partitions the window's rows map to.

mismatch_count = ids missing from the day table + ids only in Cassandra + incomplete erasures + sampled
rows with differing fields + sampled ids absent from created_users (but present in the day table, else
already counted); mismatch_ratio = mismatch_count / max(rows in either store, 1).
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
#: Partition reads in flight at once (bounded: each is one query by a full partition key).
PARTITION_READS_IN_FLIGHT = 32
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
    """(signup_day, country, signup instant, id) of the day-table row a user must have (its bucket aside)."""
    registered = row[SIGNUP_INSTANT_FIELD]
    if registered.tzinfo is None:
        registered = registered.replace(tzinfo=UTC)
    registered = registered.astimezone(UTC)
    registered = registered.replace(microsecond=registered.microsecond // 1000 * 1000)
    return registered.date().isoformat(), country_of(row[COUNTRY_SOURCE_FIELD]), registered, str(row["id"]).lower()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def split_erasures(
    ids: Iterable[str], erased_at: Mapping[str, datetime], window: Window
) -> tuple[list[str], list[str], list[str]]:
    """Ids one store lacks -> (missing, erasure in flight, erasure incomplete): an id the other store has a
    tombstone for was erased; in flight when the erasure was recorded at or after the window's end."""
    missing, in_flight, incomplete = [], [], []
    for row_id in sorted(ids):
        when = erased_at.get(row_id)
        if when is None:
            missing.append(row_id)
        elif _aware(when) >= window.end:
            in_flight.append(row_id)
        else:
            incomplete.append(row_id)
    return missing, in_flight, incomplete


def build_report(
    window: Window,
    postgres_pairs: Sequence[tuple[str, datetime]],
    cassandra_pairs: Sequence[tuple[str, datetime]],
    sample_ids: Sequence[str],
    postgres_rows: Mapping[str, Mapping[str, Any]],
    cassandra_rows: Mapping[str, Mapping[str, Any]],
    max_mismatch_ratio: float,
    erased_at: Mapping[str, datetime] | None = None,
    leftovers: Iterable[str] = (),
) -> dict[str, Any]:
    """Everything a run found, with the verdict. Inputs are plain data so this is testable without stores.

    ``cassandra_pairs`` are the window's rows found in the day-table partitions that were read;
    ``cassandra_rows`` the sampled ids' created_users rows; ``erased_at`` when the erasure of an id only one store
    has was recorded by the other store's tombstone; ``leftovers`` the ids PostgreSQL erased in the window whose
    created_users row is still there and not newer than the deletion."""
    pg_ids = {row_id for row_id, _ in postgres_pairs}
    cass_ids = {row_id for row_id, _ in cassandra_pairs}
    erased_at = erased_at or {}
    missing_in_cassandra, flight_a, incomplete_a = split_erasures(pg_ids - cass_ids, erased_at, window)
    missing_in_postgres, flight_b, incomplete_b = split_erasures(cass_ids - pg_ids, erased_at, window)
    in_flight = sorted(flight_a + flight_b)
    incomplete = sorted(set(incomplete_a) | set(incomplete_b) | set(leftovers))

    field_mismatches, sample_missing_cassandra, sample_missing_postgres = [], [], []
    for row_id in sample_ids:
        pg_row, cass_row = postgres_rows.get(row_id), cassandra_rows.get(row_id)
        if pg_row is None:
            sample_missing_postgres.append(row_id)
        elif cass_row is None:
            sample_missing_cassandra.append(row_id)
        else:
            fields = differing_fields(pg_row, cass_row)
            if fields:
                field_mismatches.append({"id": row_id, "fields": fields})

    # A sampled id absent from created_users but present in the index is a mismatch the index did not show.
    missing_created_only = [row_id for row_id in sample_missing_cassandra if row_id in cass_ids]
    mismatch_count = (
        len(missing_in_cassandra)
        + len(missing_in_postgres)
        + len(incomplete)
        + len(field_mismatches)
        + len(missing_created_only)
    )
    population = max(len(pg_ids), len(cass_ids), 1)
    check = at_most("mismatch_ratio", mismatch_count / population, max_mismatch_ratio)
    return {
        "window": window.to_dict(),
        "postgres_count": len(pg_ids),
        "cassandra_count": len(cass_ids),
        "days": day_table(counts_by_day(postgres_pairs), counts_by_day(cassandra_pairs)),
        "missing_in_cassandra": {"count": len(missing_in_cassandra), "examples": missing_in_cassandra[:EXAMPLES]},
        "missing_in_postgres": {"count": len(missing_in_postgres), "examples": missing_in_postgres[:EXAMPLES]},
        "erasures": {
            "in_flight": {"count": len(in_flight), "examples": in_flight[:EXAMPLES]},
            "incomplete": {"count": len(incomplete), "examples": incomplete[:EXAMPLES]},
        },
        "sample": {
            "size": len(sample_ids),
            "missing_in_cassandra": sample_missing_cassandra[:EXAMPLES],
            "missing_in_postgres": sample_missing_postgres[:EXAMPLES],
            "field_mismatches": {"count": len(field_mismatches), "examples": field_mismatches[:EXAMPLES]},
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


def postgres_window(conn, window: Window, max_rows: int) -> list[dict[str, Any]]:
    """The window's rows with what locates them in the day table: id, ingested_at, the signup instant and
    the field the country comes from."""
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
            f"SELECT user_id::text, ingested_at, {SIGNUP_INSTANT_FIELD}, {COUNTRY_SOURCE_FIELD} FROM users "
            "WHERE ingested_at >= %s AND ingested_at < %s",
            (window.start, window.end),
        )
        return [
            {
                "id": row_id.lower(),
                "ingested_at": ingested_at,
                SIGNUP_INSTANT_FIELD: signup,
                COUNTRY_SOURCE_FIELD: where,
            }
            for row_id, ingested_at, signup, where in cur.fetchall()
        ]


def postgres_rows(conn, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    with conn.cursor() as cur:
        cur.execute(f"SELECT {_PG_COLUMNS} FROM users WHERE user_id = ANY(%s::uuid[])", (list(ids),))
        names = [column.name for column in cur.description]
        return {row[0].lower(): dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def signup_partitions(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Distinct (signup_day, country) pairs of the given rows, sorted (each is bucket_count partitions)."""
    return sorted({signup_day_key(row)[:2] for row in rows})


def _in_window(value: datetime, window: Window) -> bool:
    # cassandra-driver returns naive UTC datetimes.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return window.start <= aware < window.end


def cassandra_window(
    session, keyspace: str, day_table, partitions: Sequence[tuple[str, str]], window: Window, max_rows: int
) -> list[tuple[str, datetime]]:
    """(id, ingested_at) of the day-table rows of the given (signup_day, country) pairs whose ingested_at is in
    the window. Every bucket of every pair is read, one query per partition by its full partition key, at most
    PARTITION_READS_IN_FLIGHT at once: bounded by the window, never a table scan. ``day_table`` is a
    ``stores.cassandra.DayTable``."""
    from cassandra.concurrent import execute_concurrent_with_args
    from cassandra.util import Date

    if not partitions:
        return []
    prepared = session.prepare(
        f"SELECT id, ingested_at FROM {keyspace}.{day_table.table} WHERE {day_table.partition_restriction()}"
    )
    prepared.fetch_size = 5000
    args = [
        key
        for day, country in partitions
        for key in day_table.partition_keys(Date(datetime.fromisoformat(day).date()), country)
    ]
    pairs, seen = [], 0
    for ok, result in execute_concurrent_with_args(session, prepared, args, concurrency=PARTITION_READS_IN_FLIGHT):
        if not ok:
            raise result
        for row in result:
            seen += 1
            if seen > max_rows:
                raise WindowTooLargeError(f"more than max_rows={max_rows} rows in the window's partitions")
            if _in_window(row.ingested_at, window):
                pairs.append((str(row.id).lower(), row.ingested_at))
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


def postgres_erasures(conn, ids: Sequence[str]) -> dict[str, datetime]:
    """When PostgreSQL recorded (or last renewed) the erasure of each of the ids it has a tombstone for."""
    if not ids:
        return {}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT user_id::text, updated_at FROM user_tombstones WHERE user_id = ANY(%s::uuid[])", (list(ids),)
        )
        return {row_id.lower(): updated_at for row_id, updated_at in cur.fetchall()}


def postgres_window_erasures(conn, window: Window, max_rows: int) -> list[tuple[str, datetime, str]]:
    """(id, occurred_at, event_id) of the deletions PostgreSQL recorded (or renewed) in the window."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT user_id::text, occurred_at, event_id::text FROM user_tombstones "
            "WHERE updated_at >= %s AND updated_at < %s LIMIT %s",
            (window.start, window.end, max_rows + 1),
        )
        rows = cur.fetchall()
    if len(rows) > max_rows:
        raise WindowTooLargeError(f"more than max_rows={max_rows} erasures in the window; use a smaller window")
    return [(row_id.lower(), occurred_at, event_id.lower()) for row_id, occurred_at, event_id in rows]


def cassandra_leftovers(session, keyspace: str, erasures: Sequence[tuple[str, datetime, str]]) -> list[str]:
    """The erased ids whose created_users row is still there and not newer than the deletion (occurred_at, then
    event_id, compared in milliseconds as Cassandra keeps them): personal data the erasure did not reach."""
    from cassandra.concurrent import execute_concurrent_with_args

    if not erasures:
        return []
    prepared = session.prepare(f"SELECT id, occurred_at, event_id FROM {keyspace}.created_users WHERE id = ?")
    deletion = {row_id: (epoch_millis(occurred_at), event_id) for row_id, occurred_at, event_id in erasures}
    args = [(uuid.UUID(row_id),) for row_id, _, _ in erasures]
    left = []
    for ok, result in execute_concurrent_with_args(session, prepared, args, concurrency=32):
        if not ok:
            raise result
        for row in result:
            row_id = str(row.id).lower()
            if (epoch_millis(row.occurred_at), str(row.event_id).lower()) <= deletion[row_id]:
                left.append(row_id)
    return sorted(left)


def cassandra_erasures(session, keyspace: str, ids: Sequence[str]) -> dict[str, datetime]:
    """The deletion instant of each of the ids Cassandra has a tombstone for (point reads by partition key)."""
    from cassandra.concurrent import execute_concurrent_with_args

    if not ids:
        return {}
    prepared = session.prepare(f"SELECT id, occurred_at FROM {keyspace}.user_tombstones WHERE id = ?")
    erased: dict[str, datetime] = {}
    for ok, result in execute_concurrent_with_args(session, prepared, [(uuid.UUID(i),) for i in ids], concurrency=32):
        if not ok:
            raise result
        for row in result:
            erased[str(row.id).lower()] = row.occurred_at
    return erased


def run_reconciliation(window: Window, params: Mapping[str, Any], seed: str) -> dict[str, Any]:
    """Connect to both stores, gather, compare. Returns build_report()'s dict (JSON-serialisable)."""
    from pipeline_dags.stores import cassandra as cassandra_store
    from pipeline_dags.stores import postgres as postgres_store

    max_rows = int(params.get("max_rows", 500_000))
    sample_size = int(params.get("sample_size", 200))

    conn = postgres_store.connect()
    try:
        conn.set_session(readonly=True, autocommit=True)
        pg_window = postgres_window(conn, window, max_rows)
        sample_ids = choose_sample((row["id"] for row in pg_window), sample_size, seed)
        pg_rows = postgres_rows(conn, sample_ids)
        partitions = signup_partitions(pg_window)
        cfg = cassandra_store.load_settings()
        day_table = cassandra_store.load_day_table()
        cluster, session = cassandra_store.connect(cfg)
        try:
            cass_pairs = cassandra_window(session, cfg.keyspace, day_table, partitions, window, max_rows)
            cass_rows = cassandra_rows(session, cfg.keyspace, sample_ids)
            pg_ids = {row["id"] for row in pg_window}
            cass_ids = {row_id for row_id, _ in cass_pairs}
            # Bounded: only the ids one store lacks, by primary key in each store.
            erased_at = {
                **cassandra_erasures(session, cfg.keyspace, sorted(pg_ids - cass_ids)),
                **postgres_erasures(conn, sorted(cass_ids - pg_ids)),
            }
            leftovers = cassandra_leftovers(session, cfg.keyspace, postgres_window_erasures(conn, window, max_rows))
        finally:
            cluster.shutdown()
    finally:
        conn.close()
    pg_pairs = [(row["id"], row["ingested_at"]) for row in pg_window]
    report = build_report(
        window,
        pg_pairs,
        cass_pairs,
        sample_ids,
        pg_rows,
        cass_rows,
        float(params.get("max_mismatch_ratio", 0.0)),
        erased_at,
        leftovers,
    )
    report["keyspace"] = cfg.keyspace
    report["day_table"] = {"table": day_table.table, "bucket_count": day_table.bucket_count}
    report["partitions_read"] = len(partitions)
    report["partition_reads"] = len(partitions) * (day_table.bucket_count or 1)
    return report
