"""Kafka producer for the local broker or Amazon MSK (IAM auth), chosen by the ``pipeline_kafka`` connection.

Local: extra={"bootstrap_servers": "127.0.0.1:9092"}
MSK:   extra={"bootstrap_servers": "b-1...:9098,b-2...:9098", "auth": "msk_iam", "region": "<region>"}
       (SASL/OAUTHBEARER over TLS with a token from aws-msk-iam-sasl-signer-python and the worker's IAM role)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline_dags import settings


def producer_config(host: str | None, port: int | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    """confluent-kafka Producer settings (without the OAuth callback, which is added by make_producer)."""
    servers = extra.get("bootstrap_servers") or (f"{host}:{port or 9092}" if host else None)
    if not servers:
        raise ValueError("Kafka connection needs extra.bootstrap_servers (or host/port)")
    auth = str(extra.get("auth", "none")).lower()
    config: dict[str, Any] = {
        "bootstrap.servers": servers,
        "client.id": extra.get("client_id", "airflow-pipeline-dags"),
        # Replays must not be lost or duplicated by the producer itself.
        "acks": "all",
        "enable.idempotence": True,
        "message.timeout.ms": int(extra.get("message_timeout_ms", 60_000)),
    }
    if auth == "msk_iam":
        if not extra.get("region"):
            raise ValueError("msk_iam auth needs extra.region")
        config.update({"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER"})
    elif auth != "none":
        raise ValueError(f"unknown Kafka auth {auth!r} (none or msk_iam)")
    elif extra.get("security_protocol"):
        config["security.protocol"] = extra["security_protocol"]
    return config


def make_producer(conn_id: str | None = None):
    from airflow.sdk import BaseHook
    from confluent_kafka import Producer

    conn = BaseHook.get_connection(conn_id or settings.KAFKA_CONN_ID)
    extra = conn.extra_dejson
    config = producer_config(conn.host, conn.port, extra)
    if str(extra.get("auth", "none")).lower() == "msk_iam":
        from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

        region = extra["region"]

        def oauth_cb(_config: str) -> tuple[str, float]:
            token, expiry_ms = MSKAuthTokenProvider.generate_auth_token(region)
            return token, expiry_ms / 1000

        config["oauth_cb"] = oauth_cb
    return Producer(config)
