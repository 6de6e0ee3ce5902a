"""PostgreSQL: the local server or RDS, same code.

* Locally: the Airflow connection ``pipeline_postgres`` (``AIRFLOW_CONN_PIPELINE_POSTGRES``) as it is.
* On AWS: either that connection stored in Secrets Manager through MWAA's secrets backend
  (``airflow/<stage>/connections/pipeline_postgres``), or the Variable ``pipeline_postgres_secret_arn`` naming the RDS
  credentials secret CDK creates; its username/password (and host/port/dbname when present) override the
  connection's, and TLS is required unless the connection says otherwise (extra ``sslmode``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pipeline_dags import settings

#: Extras that are ours, not libpq parameters.
_NON_LIBPQ_EXTRAS = {"cursor", "iam", "aws_conn_id", "secret_arn", "log_sql", "sqlalchemy_scheme"}


def connect_args(
    host: str | None,
    port: int | None,
    login: str | None,
    password: str | None,
    database: str | None,
    extra: Mapping[str, Any],
    secret: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """psycopg2.connect() keyword arguments from an Airflow connection and an optional RDS secret."""
    args: dict[str, Any] = {
        "host": host,
        "port": int(port) if port else 5432,
        "user": login,
        "password": password,
        "dbname": database,
        "connect_timeout": 10,
        "application_name": "airflow-pipeline-dags",
    }
    for key, value in extra.items():
        if key not in _NON_LIBPQ_EXTRAS:
            args[key] = value
    if secret is not None:
        args["user"] = secret.get("username", args["user"])
        args["password"] = secret.get("password", args["password"])
        args["host"] = secret.get("host") or args["host"]
        args["port"] = int(secret.get("port") or args["port"])
        args["dbname"] = secret.get("dbname") or args["dbname"]
        args.setdefault("sslmode", "require")
    missing = [name for name in ("host", "user", "dbname") if not args.get(name)]
    if missing:
        raise ValueError(f"PostgreSQL connection lacks {', '.join(missing)}")
    return args


def _read_secret(secret_arn: str) -> dict[str, Any]:
    from airflow.providers.amazon.aws.hooks.secrets_manager import SecretsManagerHook

    raw = SecretsManagerHook(aws_conn_id=settings.AWS_CONN_ID).get_secret(secret_arn)
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(f"secret {secret_arn} is not a JSON object")
    return value


def connect(conn_id: str | None = None):
    """A new psycopg2 connection (caller closes it). Must run inside a task."""
    import psycopg2
    from airflow.sdk import BaseHook, Variable

    conn = BaseHook.get_connection(conn_id or settings.POSTGRES_CONN_ID)
    secret_arn = Variable.get(settings.VAR_POSTGRES_SECRET_ARN, default=None) or conn.extra_dejson.get("secret_arn")
    secret = _read_secret(secret_arn) if secret_arn else None
    args = connect_args(conn.host, conn.port, conn.login, conn.password, conn.schema, conn.extra_dejson, secret)
    return psycopg2.connect(**args)
