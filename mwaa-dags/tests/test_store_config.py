from __future__ import annotations

import pytest

from pipeline_dags.stores.cassandra import DayTable, DayTableSettingError, day_table_from, settings_from_connection
from pipeline_dags.stores.kafka import producer_config
from pipeline_dags.stores.postgres import connect_args


def test_postgres_local_connection_passes_libpq_extras():
    args = connect_args("127.0.0.1", 5432, "postgres", "pw", "pipeline", {"options": "-csearch_path=x", "iam": False})
    assert args["host"] == "127.0.0.1"
    assert args["dbname"] == "pipeline"
    assert args["options"] == "-csearch_path=x"
    assert "iam" not in args
    assert "sslmode" not in args


def test_postgres_rds_secret_overrides_credentials_and_requires_tls():
    secret = {"username": "app", "password": "s3cret", "host": "db.rds.amazonaws.com", "port": 5432, "dbname": "pipe"}
    args = connect_args("proxy.example", None, None, None, None, {}, secret)
    assert (args["user"], args["password"], args["host"], args["dbname"]) == (
        "app",
        "s3cret",
        "db.rds.amazonaws.com",
        "pipe",
    )
    assert args["sslmode"] == "require"
    assert (
        connect_args("h", 5432, None, None, "d", {"sslmode": "verify-full"}, {"username": "u"})["sslmode"]
        == "verify-full"
    )
    with pytest.raises(ValueError, match="host"):
        connect_args(None, None, "u", "p", "d", {})


def test_cassandra_local_settings():
    cfg = settings_from_connection("127.0.0.1", 9042, "pipeline", None, None, {"local_dc": "datacenter1"})
    assert (cfg.contact_points, cfg.port, cfg.keyspace, cfg.auth, cfg.ssl) == (
        ("127.0.0.1",),
        9042,
        "pipeline",
        "none",
        False,
    )


def test_keyspaces_settings_default_to_sigv4_tls_on_9142():
    cfg = settings_from_connection(
        "cassandra.eu-west-1.amazonaws.com", None, "pipeline", None, None, {"auth": "sigv4", "region": "eu-west-1"}
    )
    assert (cfg.port, cfg.ssl, cfg.local_dc, cfg.consistency) == (9142, True, "eu-west-1", "LOCAL_QUORUM")
    with pytest.raises(ValueError, match="region"):
        settings_from_connection("h", None, "ks", None, None, {"auth": "sigv4", "local_dc": "x"})
    with pytest.raises(ValueError, match="keyspace"):
        settings_from_connection("h", None, "bad-name", None, None, {"local_dc": "dc"})
    with pytest.raises(ValueError, match="local_dc"):
        settings_from_connection("h", None, "ks", None, None, {})


def test_kafka_local_and_msk_iam_configs():
    local = producer_config(None, None, {"bootstrap_servers": "127.0.0.1:9092"})
    assert local["bootstrap.servers"] == "127.0.0.1:9092"
    assert local["acks"] == "all"
    assert local["enable.idempotence"] is True
    assert "security.protocol" not in local
    msk = producer_config(None, None, {"bootstrap_servers": "b-1:9098", "auth": "msk_iam", "region": "eu-west-1"})
    assert (msk["security.protocol"], msk["sasl.mechanism"]) == ("SASL_SSL", "OAUTHBEARER")
    assert producer_config("broker", 9093, {})["bootstrap.servers"] == "broker:9093"
    with pytest.raises(ValueError, match="bootstrap"):
        producer_config(None, None, {})


def test_day_table_variable_names_the_table_and_its_buckets():
    bucketed = day_table_from('{"table": "users_by_signup_day_bucketed", "bucket_count": 3}')
    assert bucketed == DayTable("users_by_signup_day_bucketed", 3)
    assert bucketed.partition_keys("2024-05-01", "Peru") == [
        ("2024-05-01", "Peru", 0),
        ("2024-05-01", "Peru", 1),
        ("2024-05-01", "Peru", 2),
    ]
    assert bucketed.partition_restriction() == "signup_day = ? AND country = ? AND bucket = ?"
    legacy = day_table_from({"table": "users_by_signup_day", "bucket_count": None})
    assert legacy.partition_keys("2024-05-01", "Peru") == [("2024-05-01", "Peru")]
    assert legacy.partition_restriction() == "signup_day = ? AND country = ?"


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[1, 2]",
        '{"bucket_count": 4}',
        '{"table": "users; DROP TABLE x", "bucket_count": 4}',
        '{"table": "users_by_signup_day_bucketed", "bucket_count": 0}',
        '{"table": "users_by_signup_day_bucketed", "bucket_count": 1025}',
        '{"table": "users_by_signup_day_bucketed", "bucket_count": "4"}',
        '{"table": "users_by_signup_day_bucketed", "bucket_count": true}',
    ],
)
def test_day_table_variable_refuses_malformed_values(value):
    with pytest.raises(DayTableSettingError, match="signup_day_table"):
        day_table_from(value)
