"""Names of the Airflow connections and Variables the DAGs read. Values are looked up inside tasks only.

Locally ``local/airflow/run.sh`` (and the tests) define the connections as ``AIRFLOW_CONN_*`` environment
variables; on MWAA they come from the Secrets Manager backend or the metadata database.
"""

from __future__ import annotations

import os

#: PostgreSQL (RDS) connection (conn_type postgres). Extras are passed to psycopg2 (e.g. ``sslmode``, ``options``).
POSTGRES_CONN_ID = os.environ.get("PIPELINE_POSTGRES_CONN_ID", "pipeline_postgres")
#: Cassandra / Amazon Keyspaces connection: host = contact points (comma-separated), port, schema = keyspace,
#: extras ``local_dc``, ``auth`` (none|plain|sigv4), ``region``, ``ssl``, ``ssl_ca_certs``, ``consistency``.
CASSANDRA_CONN_ID = os.environ.get("PIPELINE_CASSANDRA_CONN_ID", "pipeline_cassandra")
#: Kafka / MSK connection: extras ``bootstrap_servers``, ``auth`` (none|msk_iam), ``region``, ``security_protocol``.
KAFKA_CONN_ID = os.environ.get("PIPELINE_KAFKA_CONN_ID", "pipeline_kafka")
#: AWS connection for Lambda (and Secrets Manager). Locally its extra ``endpoint_url`` points at the local
#: Lambda-invoke endpoint.
AWS_CONN_ID = os.environ.get("PIPELINE_AWS_CONN_ID", "aws_default")

#: Optional Variable: ARN of a Secrets Manager secret with RDS credentials (the JSON CDK's DatabaseSecret
#: writes: username, password, host, port, dbname). When set, it overrides the connection's credentials.
VAR_POSTGRES_SECRET_ARN = "pipeline_postgres_secret_arn"  # noqa: S105 - a Variable name, not a secret
#: Optional Variable: name of the pull-ingestion Lambda (default ``ingest-pull``).
VAR_INGEST_FUNCTION_NAME = "ingest_pull_function_name"
#: Variable naming the deployed failed-batches replay function (set by CDK; default ``replay-failed-batches``).
VAR_REPLAY_FAILED_BATCHES_FUNCTION_NAME = "replay_failed_batches_function_name"

#: Variable (JSON) naming the day table the DAGs read and how many buckets each (signup_day, country) has:
#: ``{"table": "users_by_signup_day_bucketed", "bucket_count": 16}``, or ``{"table": "users_by_signup_day",
#: "bucket_count": null}`` while a stage upgrading from the unbucketed table still reads it (docs/scaling.md). Set
#: by CDK from the stage config (``signupDayTable``); locally by ``npm run services -- env``.
VAR_SIGNUP_DAY_TABLE = "signup_day_table"

DEFAULT_INGEST_FUNCTION_NAME = "ingest-pull"
DEFAULT_REPLAY_FAILED_BATCHES_FUNCTION_NAME = "replay-failed-batches"
DEFAULT_TOPIC = "users_created"
DEFAULT_KEYSPACE = "pipeline"
