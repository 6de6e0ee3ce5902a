from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from pipeline_dags.reconcile import (
    build_report,
    choose_sample,
    country_of,
    differing_fields,
    epoch_millis,
    signup_day_key,
    signup_partitions,
)
from pipeline_dags.windows import Window

T0 = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
WINDOW = Window(T0 - timedelta(hours=1), T0 + timedelta(hours=1))


def pg_row(**overrides):
    row = {
        "id": "6f1c3a52-1b2c-4d3e-8f90-123456789abc",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "gender": "female",
        "address": "1 Main Street, Springfield, Oregon, United States",
        "post_code": "97001",
        "email": "ada@example.com",
        "username": "ada",
        "dob": datetime(1990, 5, 17, 8, 30, 0, 250_999, tzinfo=UTC),
        "registered_date": datetime(2020, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC),
        "phone": "555",
        "picture": "https://example.com/a.jpg",
        "event_id": "0b6f7c1e-7d1a-4c55-9c1b-9f2d3e4a5b6c",
        "schema_version": 1,
        "source": "ingest-pull",
        "occurred_at": T0 - timedelta(seconds=2),
        "ingested_at": T0,
        "nationality": "US",
    }
    row.update(overrides)
    return row


def cassandra_row(**overrides):
    """What cassandra-driver returns for the same user: naive UTC datetimes at millisecond precision, UUIDs."""
    row = pg_row()
    for name in ("dob", "registered_date", "occurred_at", "ingested_at"):
        value = row[name].astimezone(UTC)
        row[name] = value.replace(tzinfo=None, microsecond=value.microsecond // 1000 * 1000)
    row["event_id"] = uuid.UUID(row["event_id"])
    row.update(overrides)
    return row


def test_same_user_in_both_stores_compares_equal():
    assert differing_fields(pg_row(), cassandra_row()) == []


def test_field_differences_are_named():
    assert differing_fields(pg_row(), cassandra_row(email="other@example.com", post_code="1")) == ["post_code", "email"]
    assert differing_fields(pg_row(), cassandra_row(dob=datetime(1990, 5, 17))) == ["dob"]
    # schema v2's nationality is compared too; a v1 row has it NULL in both stores.
    assert differing_fields(pg_row(), cassandra_row(nationality="GB")) == ["nationality"]
    assert differing_fields(pg_row(nationality=None), cassandra_row(nationality=None)) == []


def test_epoch_millis_truncates_microseconds():
    assert epoch_millis(datetime(1970, 1, 1, 0, 0, 1, 999_999, tzinfo=UTC)) == 1999
    assert epoch_millis(datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)) == -500


def test_country_rule_matches_the_typescript_one():
    # Same cases as test/unit/lambdas/shared/schema/cassandra/tables.test.ts (countryOf).
    assert country_of("6524 Grafton Street, Ballina, Laois, Ireland") == "Ireland"
    assert country_of("12 Straße des 17. Juni, Berlin, Berlin,  Deutschland ") == "Deutschland"
    assert country_of("no commas at all") == "unknown"
    assert country_of("street, ") == "unknown"
    assert country_of("street, " + "x" * 101) == "unknown"


def test_signup_day_key_uses_the_utc_day_and_millisecond_instant():
    row = pg_row(registered_date=datetime(2009, 12, 17, 23, 30, 0, 123_456, tzinfo=timezone(timedelta(hours=-5))))
    day, country, registered, user_id = signup_day_key(row)
    assert (day, country, user_id) == ("2009-12-18", "United States", row["id"])
    assert registered == datetime(2009, 12, 18, 4, 30, 0, 123_000, tzinfo=UTC)


def test_sample_is_deterministic_and_order_independent():
    ids = [str(uuid.UUID(int=i)) for i in range(100)]
    first = choose_sample(ids, 10, "run-1")
    assert first == choose_sample(list(reversed(ids)), 10, "run-1")
    assert first != choose_sample(ids, 10, "run-2")
    assert len(set(first)) == 10
    assert choose_sample(ids[:3], 10, "x") == sorted(ids[:3])
    assert choose_sample(ids, 0, "x") == []


def _pairs(ids, when=T0):
    return [(i, when) for i in ids]


def test_report_clean():
    ids = [str(uuid.UUID(int=i)) for i in range(4)]
    rows = {i: pg_row(id=i) for i in ids}
    report = build_report(
        WINDOW,
        _pairs(ids[:2]) + _pairs(ids[2:], T0 + timedelta(minutes=45)),
        _pairs(ids[:2]) + _pairs(ids[2:], T0 + timedelta(minutes=45)),
        ids,
        rows,
        {i: cassandra_row(id=i) for i in ids},
        0.0,
    )
    assert report["passed"] is True
    assert report["mismatch_count"] == 0
    assert report["days"] == [
        {"day": "2026-03-01", "postgres": 2, "cassandra": 2, "diff": 0},
        {"day": "2026-03-02", "postgres": 2, "cassandra": 2, "diff": 0},
    ]


def test_report_counts_every_kind_of_mismatch():
    ids = [str(uuid.UUID(int=i)) for i in range(10)]
    only_cassandra = str(uuid.UUID(int=99))
    pg_rows = {i: pg_row(id=i) for i in ids}
    # ids[0]: in neither Cassandra table; ids[3]: in the index, not in created_users; ids[2]: a changed email.
    cass_rows = {i: cassandra_row(id=i) for i in ids[1:] if i != ids[3]}
    cass_rows[ids[2]] = cassandra_row(id=ids[2], email="changed@example.com")
    report = build_report(WINDOW, _pairs(ids), _pairs([*ids[1:], only_cassandra]), ids, pg_rows, cass_rows, 0.1)
    assert report["missing_in_cassandra"] == {"count": 1, "examples": [ids[0]]}
    assert report["missing_in_postgres"] == {"count": 1, "examples": [only_cassandra]}
    assert report["sample"]["field_mismatches"] == {"count": 1, "examples": [{"id": ids[2], "fields": ["email"]}]}
    assert report["sample"]["missing_in_cassandra"] == [ids[0], ids[3]]
    # ids[0] counts once (missing from the index already), ids[3] once (only the sample shows it).
    assert report["mismatch_count"] == 4
    assert report["mismatch_ratio"] == 0.4
    assert report["passed"] is False
    assert report["days"] == [{"day": "2026-03-01", "postgres": 10, "cassandra": 10, "diff": 0}]


def test_an_erased_user_is_consistent_while_its_erasure_is_in_flight_and_a_mismatch_after():
    ids = [str(uuid.UUID(int=i)) for i in range(4)]
    rows = {i: pg_row(id=i) for i in ids}
    # ids[0]: erased in PostgreSQL after the window's end (still in Cassandra: in flight);
    # ids[1]: erased in Cassandra before the window's end (still in PostgreSQL: incomplete);
    # ids[2]: only in Cassandra, no tombstone anywhere (a plain drift).
    erased_at = {ids[0]: WINDOW.end, ids[1]: WINDOW.end - timedelta(minutes=1)}
    report = build_report(
        WINDOW,
        _pairs([ids[1], ids[3]]),
        _pairs([ids[0], ids[2], ids[3]]),
        [ids[3]],
        rows,
        {ids[3]: cassandra_row(id=ids[3])},
        0.0,
        erased_at,
    )
    assert report["erasures"] == {
        "in_flight": {"count": 1, "examples": [ids[0]]},
        "incomplete": {"count": 1, "examples": [ids[1]]},
    }
    assert report["missing_in_postgres"] == {"count": 1, "examples": [ids[2]]}
    assert report["missing_in_cassandra"] == {"count": 0, "examples": []}
    assert report["mismatch_count"] == 2
    # Without ids[1] and ids[2], the in-flight erasure alone is no drift.
    clean = build_report(
        WINDOW,
        _pairs([ids[3]]),
        _pairs([ids[0], ids[3]]),
        [ids[3]],
        rows,
        {ids[3]: cassandra_row(id=ids[3])},
        0.0,
        erased_at,
    )
    assert clean["passed"] is True
    assert clean["mismatch_count"] == 0


def test_partitions_are_the_signup_keys_of_the_window_rows():
    rows = [
        pg_row(id=str(uuid.UUID(int=1))),
        pg_row(id=str(uuid.UUID(int=2))),  # same day and country: same partition
        pg_row(id=str(uuid.UUID(int=3)), address="Rue 1, Paris, France"),
        pg_row(id=str(uuid.UUID(int=4)), registered_date=datetime(2019, 12, 31, 23, 59, tzinfo=UTC)),
    ]
    assert signup_partitions(rows) == [
        ("2019-12-31", "United States"),
        ("2020-01-02", "France"),
        ("2020-01-02", "United States"),
    ]


def test_an_erasure_of_the_window_still_in_created_users_is_an_incomplete_erasure_counted_once():
    ids = [str(uuid.UUID(int=i)) for i in range(3)]
    rows = {i: pg_row(id=i) for i in ids}
    cass = {i: cassandra_row(id=i) for i in ids}
    leftover = str(uuid.UUID(int=50))
    # Seen by the point read only (its partition was not read), and once more by both checks: one mismatch each.
    erased_at = {leftover: WINDOW.start}
    report = build_report(WINDOW, _pairs(ids), _pairs([*ids, leftover]), ids, rows, cass, 0.0, erased_at, [leftover])
    assert report["erasures"]["incomplete"] == {"count": 1, "examples": [leftover]}
    assert report["mismatch_count"] == 1
