"""Cassandra locally, Amazon Keyspaces on AWS: same code, chosen by the ``pipeline_cassandra`` connection.

Local:     host=127.0.0.1 port=9042 schema=pipeline extra={"local_dc": "datacenter1"}
Keyspaces: host=cassandra.<region>.amazonaws.com port=9142 schema=pipeline
           extra={"auth": "sigv4", "region": "<region>", "local_dc": "<region>", "ssl": true}
           (SigV4 through the ``cassandra-sigv4`` plugin with the worker's IAM role; TLS is mandatory.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline_dags import settings
from pipeline_dags.fields_generated import SIGNUP_DAY_BUCKET_COLUMN

_KEYSPACE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,47}$")


@dataclass(frozen=True)
class CassandraSettings:
    contact_points: tuple[str, ...]
    port: int
    keyspace: str
    local_dc: str
    auth: str = "none"  # none | plain | sigv4
    username: str | None = None
    password: str | None = None
    region: str | None = None
    ssl: bool = False
    ssl_ca_certs: str | None = None
    consistency: str = "LOCAL_QUORUM"
    request_timeout: float = 30.0


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes", "on"}


def settings_from_connection(
    host: str | None,
    port: int | None,
    schema: str | None,
    login: str | None,
    password: str | None,
    extra: Mapping[str, Any],
) -> CassandraSettings:
    points = tuple(p.strip() for p in (host or "").split(",") if p.strip())
    if not points:
        raise ValueError("Cassandra connection has no host (contact points)")
    auth = str(extra.get("auth") or ("plain" if login else "none")).lower()
    if auth not in {"none", "plain", "sigv4"}:
        raise ValueError(f"unknown Cassandra auth {auth!r} (none, plain or sigv4)")
    region = extra.get("region")
    if auth == "sigv4" and not region:
        raise ValueError("sigv4 auth needs extra.region")
    keyspace = schema or extra.get("keyspace") or settings.DEFAULT_KEYSPACE
    if not _KEYSPACE.match(keyspace):
        raise ValueError(f"invalid keyspace name {keyspace!r}")
    local_dc = extra.get("local_dc") or (region if auth == "sigv4" else None)
    if not local_dc:
        raise ValueError("Cassandra connection needs extra.local_dc")
    return CassandraSettings(
        contact_points=points,
        port=int(port or (9142 if auth == "sigv4" else 9042)),
        keyspace=keyspace,
        local_dc=str(local_dc),
        auth=auth,
        username=login or None,
        password=password or None,
        region=region,
        ssl=_truthy(extra.get("ssl", auth == "sigv4")),
        ssl_ca_certs=extra.get("ssl_ca_certs"),
        consistency=str(extra.get("consistency", "LOCAL_QUORUM")).upper(),
        request_timeout=float(extra.get("request_timeout", 30.0)),
    )


_TABLE = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
#: The most buckets a stage may configure (MAX_SIGNUP_DAY_BUCKETS in users-by-signup-day-key.ts).
MAX_BUCKETS = 1024


class DayTableSettingError(ValueError):
    """The ``signup_day_table`` Variable is missing or malformed."""


@dataclass(frozen=True)
class DayTable:
    """The day table to read and its buckets per (signup_day, country); None: the legacy table, no bucket."""

    table: str
    bucket_count: int | None

    def partition_keys(self, day, country: str) -> list[tuple]:
        """Every partition of (day, country): one per bucket, in partition-key order."""
        if self.bucket_count is None:
            return [(day, country)]
        return [(day, country, bucket) for bucket in range(self.bucket_count)]

    def partition_restriction(self) -> str:
        """The WHERE clause that pins one whole partition."""
        if self.bucket_count is None:
            return "signup_day = ? AND country = ?"
        return f"signup_day = ? AND country = ? AND {SIGNUP_DAY_BUCKET_COLUMN} = ?"


def day_table_from(value: Any) -> DayTable:
    """The Variable's JSON value (already decoded or as text) -> DayTable; DayTableSettingError when malformed."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise DayTableSettingError(f"Variable {settings.VAR_SIGNUP_DAY_TABLE} is not JSON: {value!r}") from error
    if not isinstance(value, Mapping):
        raise DayTableSettingError(f"Variable {settings.VAR_SIGNUP_DAY_TABLE} must be a JSON object, got {value!r}")
    table, buckets = value.get("table"), value.get("bucket_count")
    if not isinstance(table, str) or not _TABLE.match(table):
        raise DayTableSettingError(f"Variable {settings.VAR_SIGNUP_DAY_TABLE}: invalid table {table!r}")
    if buckets is not None and (
        not isinstance(buckets, int) or isinstance(buckets, bool) or not 1 <= buckets <= MAX_BUCKETS
    ):
        raise DayTableSettingError(
            f"Variable {settings.VAR_SIGNUP_DAY_TABLE}: bucket_count must be null or 1..{MAX_BUCKETS}, got {buckets!r}"
        )
    return DayTable(table=table, bucket_count=buckets)


def load_day_table() -> DayTable:
    """The ``signup_day_table`` Variable (no default: a reader with too few buckets would miss rows)."""
    from airflow.sdk import Variable

    value = Variable.get(settings.VAR_SIGNUP_DAY_TABLE, default=None)
    if value is None:
        raise DayTableSettingError(
            f"Variable {settings.VAR_SIGNUP_DAY_TABLE} is not set (CDK sets it from the stage config; locally "
            '`eval "$(npm run -s services -- env)"` exports AIRFLOW_VAR_SIGNUP_DAY_TABLE)'
        )
    return day_table_from(value)


def load_settings(conn_id: str | None = None) -> CassandraSettings:
    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id or settings.CASSANDRA_CONN_ID)
    return settings_from_connection(conn.host, conn.port, conn.schema, conn.login, conn.password, conn.extra_dejson)


def connect(cfg: CassandraSettings):
    """(cluster, session) for the settings; the caller shuts the cluster down."""
    import ssl

    from cassandra import ConsistencyLevel
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy

    auth_provider = None
    if cfg.auth == "plain":
        auth_provider = PlainTextAuthProvider(username=cfg.username, password=cfg.password)
    elif cfg.auth == "sigv4":
        import boto3
        from cassandra_sigv4.auth import SigV4AuthProvider

        auth_provider = SigV4AuthProvider(boto3.Session(region_name=cfg.region))

    ssl_context = None
    ssl_options = None
    if cfg.ssl:
        ssl_context = ssl.create_default_context(cafile=cfg.ssl_ca_certs)
        ssl_options = {"server_hostname": cfg.contact_points[0]}

    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=cfg.local_dc)),
        consistency_level=getattr(ConsistencyLevel, cfg.consistency),
        request_timeout=cfg.request_timeout,
    )
    cluster = Cluster(
        contact_points=list(cfg.contact_points),
        port=cfg.port,
        auth_provider=auth_provider,
        ssl_context=ssl_context,
        ssl_options=ssl_options,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        connect_timeout=15,
    )
    try:
        session = cluster.connect()
    except Exception:
        cluster.shutdown()
        raise
    return cluster, session
