"""Which CQL statements scan a whole table, and a recorder of the statements a DAG run sends.

Keyspaces bills the data a query reads, not what it returns: a SELECT that does not pin every partition key
column with ``=`` or ``IN`` (or that says ALLOW FILTERING) reads the whole table. The DAG tests record every
statement a DAG sends through cassandra-driver and fail on such a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

_SELECT = re.compile(r"^\s*SELECT\s.+?\sFROM\s+(?:\"?(\w+)\"?\.)?\"?(\w+)\"?(.*)$", re.IGNORECASE | re.DOTALL)
_WHERE = re.compile(
    r"\sWHERE\s(.*?)(?:\sORDER\s+BY\s|\sGROUP\s+BY\s|\sPER\s+PARTITION\s|\sLIMIT\s|\sALLOW\s|;|$)",
    re.IGNORECASE | re.DOTALL,
)
_RESTRICTION = re.compile(r"^\s*\"?(\w+)\"?\s*(=|IN\b)", re.IGNORECASE)


def whole_table_scan(cql: str, partition_keys: Mapping[str, Sequence[str]]) -> str | None:
    """Why ``cql`` reads a whole table, or None when it is bounded (or not a SELECT of a known table).

    ``partition_keys`` maps table name -> partition key columns."""
    match = _SELECT.match(cql)
    if match is None:
        return None
    table, rest = match.group(2).lower(), match.group(3)
    if re.search(r"\bALLOW\s+FILTERING\b", rest, re.IGNORECASE):
        return f"ALLOW FILTERING on {table}"
    keys = partition_keys.get(table)
    if keys is None:
        return None
    where = _WHERE.search(rest)
    restricted = set()
    if where:
        for term in re.split(r"\bAND\b", where.group(1), flags=re.IGNORECASE):
            found = _RESTRICTION.match(term)
            if found:
                restricted.add(found.group(1).lower())
    missing = [key for key in keys if key.lower() not in restricted]
    return f"{table} read without its partition key {missing}" if missing else None


def statement_text(query) -> str:
    """CQL text of whatever Session.execute_async received (string, SimpleStatement, BoundStatement)."""
    if isinstance(query, str):
        return query
    prepared = getattr(query, "prepared_statement", None)
    if prepared is not None:
        return prepared.query_string
    return getattr(query, "query_string", str(query))


@contextmanager
def recorded_cql() -> Iterator[list[str]]:
    """Every statement sent through any cassandra-driver Session while the block runs (in this process)."""
    from cassandra.cluster import Session

    sent: list[str] = []
    original = Session.execute_async

    def recording(self, query, *args, **kwargs):
        sent.append(statement_text(query))
        return original(self, query, *args, **kwargs)

    Session.execute_async = recording
    try:
        yield sent
    finally:
        Session.execute_async = original


def partition_keys_of(session, keyspace: str) -> dict[str, list[str]]:
    """Partition key columns of every table of the keyspace, from system_schema (the real schema)."""
    rows = session.execute(
        "SELECT table_name, column_name, kind, position FROM system_schema.columns WHERE keyspace_name = %s",
        (keyspace,),
    )
    keys: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        if row.kind == "partition_key":
            keys.setdefault(row.table_name, []).append((row.position, row.column_name))
    return {table: [name for _, name in sorted(columns)] for table, columns in keys.items()}
