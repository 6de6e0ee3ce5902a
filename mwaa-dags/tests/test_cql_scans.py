"""The whole-table-scan detector the DAG tests apply to every CQL statement a DAG sends."""

from __future__ import annotations

import pytest

from cql_scans import statement_text, whole_table_scan

KEYS = {
    "created_users": ["id"],
    "users_by_signup_day": ["signup_day", "country"],
    "users_by_signup_day_bucketed": ["signup_day", "country", "bucket"],
}


@pytest.mark.parametrize(
    "cql",
    [
        # The query reconcile_stores used to send every hour.
        "SELECT id, ingested_at FROM pipeline.created_users WHERE ingested_at >= %s AND ingested_at < %s "
        "ALLOW FILTERING",
        "SELECT * FROM created_users",
        "select id from pipeline.users_by_signup_day where signup_day = ?",
        "SELECT id FROM users_by_signup_day WHERE signup_day = ? AND registered_date > ? LIMIT 10",
        "SELECT id FROM pipeline.users_by_signup_day WHERE signup_day = ? AND country = ? ALLOW FILTERING",
        "SELECT count(*) FROM created_users WHERE token(id) > 0",
        # A (day, country) read without its bucket: not one partition of the bucketed table.
        "SELECT id FROM pipeline.users_by_signup_day_bucketed WHERE signup_day = ? AND country = ?",
        "SELECT id FROM users_by_signup_day_bucketed WHERE signup_day = ? AND country = ? AND bucket > ?",
    ],
)
def test_scans_are_detected(cql):
    assert whole_table_scan(cql, KEYS) is not None


@pytest.mark.parametrize(
    "cql",
    [
        "SELECT id, email FROM pipeline.created_users WHERE id = ?",
        "SELECT id FROM created_users WHERE id IN (?, ?)",
        "SELECT id, ingested_at FROM pipeline.users_by_signup_day WHERE signup_day = ? AND country = ?",
        "SELECT id FROM users_by_signup_day WHERE country = 'France' AND signup_day = ? AND registered_date >= ? "
        "LIMIT 5",
        "INSERT INTO created_users (id) VALUES (?)",
        "SELECT id, ingested_at FROM pipeline.users_by_signup_day_bucketed WHERE signup_day = ? AND country = ? "
        "AND bucket = ?",
    ],
)
def test_bounded_reads_pass(cql):
    assert whole_table_scan(cql, KEYS) is None


def test_statement_text_reads_every_statement_kind():
    from cassandra.query import SimpleStatement

    assert statement_text("SELECT 1") == "SELECT 1"
    assert statement_text(SimpleStatement("SELECT id FROM t")) == "SELECT id FROM t"
