"""The Airflow connections of the local DAG runs, as ``AIRFLOW_CONN_*`` values, for ``local/airflow/run.sh``
(``npm run airflow``) and the DAG tests (``mwaa-dags/tests/conftest.py``) alike.

They come from the variables ``npm run services -- env`` exports. As on MWAA, ``pipeline_postgres`` logs in as the
DAGs' role of migration 0006 (``PIPELINE_READER_USER``/``PIPELINE_READER_PASSWORD``, pipeline_reader), never as the
administrator, whose login (``PG_ADMIN_*``) only the migrations step and the tests' own checks use.

Run as a script, it prints ``export AIRFLOW_CONN_...=...`` lines (with ``aws_default`` pointing at
``LAMBDA_ENDPOINT_URL``).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping


class MissingDagLoginError(Exception):
    """The DAGs' PostgreSQL login is not in the environment."""


def dag_postgres_login(env: Mapping[str, str]) -> tuple[str, str]:
    """The DAGs' role and its local password."""
    user, password = env.get("PIPELINE_READER_USER"), env.get("PIPELINE_READER_PASSWORD")
    if not user or not password:
        raise MissingDagLoginError(
            "PIPELINE_READER_USER/PIPELINE_READER_PASSWORD are not set: "
            'eval "$(npm run -s services -- env)" first (local/airflow/run.sh and test.sh do)'
        )
    return user, password


def pipeline_connections(
    env: Mapping[str, str],
    pg_schema: str | None = None,
    keyspace: str | None = None,
    lambda_endpoint: str | None = None,
) -> dict[str, dict]:
    """``AIRFLOW_CONN_*`` name -> connection (JSON form). ``pg_schema`` sets the search_path (throwaway test
    schemas); ``keyspace`` defaults to ``CASSANDRA_KEYSPACE``; ``aws_default`` only with ``lambda_endpoint``."""
    login, password = dag_postgres_login(env)
    contact_points = [p.strip() for p in env.get("CASSANDRA_CONTACT_POINTS", "127.0.0.1").split(",")]
    connections = {
        "AIRFLOW_CONN_PIPELINE_POSTGRES": {
            "conn_type": "postgres",
            "host": env.get("PGHOST", "127.0.0.1"),
            "port": int(env.get("PGPORT", "5432")),
            "login": login,
            "password": password,
            "schema": env.get("PGDATABASE", "pipeline"),
            "extra": {"options": f"-csearch_path={pg_schema}"} if pg_schema else {},
        },
        "AIRFLOW_CONN_PIPELINE_CASSANDRA": {
            "conn_type": "generic",
            "host": ",".join(contact_points),
            "port": int(env.get("CASSANDRA_PORT", "9042")),
            "schema": keyspace or env.get("CASSANDRA_KEYSPACE", "pipeline"),
            "extra": {"local_dc": env.get("CASSANDRA_LOCAL_DC", "datacenter1")},
        },
        "AIRFLOW_CONN_PIPELINE_KAFKA": {
            "conn_type": "generic",
            "extra": {"bootstrap_servers": env.get("KAFKA_BROKERS", "127.0.0.1:9092")},
        },
    }
    if lambda_endpoint:
        connections["AIRFLOW_CONN_AWS_DEFAULT"] = {
            "conn_type": "aws",
            "login": "local",
            "password": "local",
            "extra": {"endpoint_url": lambda_endpoint, "region_name": env.get("AWS_REGION", "us-east-1")},
        }
    return connections


if __name__ == "__main__":
    for name, value in pipeline_connections(os.environ, lambda_endpoint=os.environ["LAMBDA_ENDPOINT_URL"]).items():
        print(f"export {name}={shlex.quote(json.dumps(value))}")
