"""The DAGs log in to PostgreSQL as the DAGs' role, as on MWAA. A real dag.test() run of data_quality connects the
way every DAG does (``pipeline_dags.stores.postgres.connect()``, connection id ``pipeline_postgres``, defined for
the tests and for ``npm run airflow`` by ``local/airflow/pipeline_connections.py``); each connection it opens is
asked, on the server, who it is: pipeline_reader, which may read users but not change them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from support import insert_postgres, make_user, run_dag

pytestmark = pytest.mark.integration

WHO = (
    "SELECT current_user, session_user, "
    "(SELECT usename FROM pg_stat_activity WHERE pid = pg_backend_pid()), "
    "has_table_privilege('users', 'SELECT'), has_table_privilege('users', 'UPDATE')"
)


def test_dag_tasks_connect_as_pipeline_reader(dagbag, stores, monkeypatch):
    from pipeline_dags.stores import postgres

    seen: list[tuple] = []
    real_connect = postgres.connect

    def connect_and_ask_who(*args, **kwargs):
        # The DAG's own connection, unchanged; only asked who it is before the task uses it.
        conn = real_connect(*args, **kwargs)
        with conn.cursor() as cur:
            cur.execute(WHO)
            seen.append(cur.fetchone())
        conn.rollback()
        return conn

    monkeypatch.setattr(postgres, "connect", connect_and_ask_who)
    end = datetime(2025, 10, 5, 12, 0, tzinfo=UTC)
    insert_postgres(stores, [make_user(end - timedelta(minutes=2 * i + 1), n=i) for i in range(12)])

    conf = {"min_rows": 10, "lookback_minutes": 60, "settle_minutes": 0}
    state, tasks, _ = run_dag(dagbag, "data_quality", conf, logical_date=end)

    assert state == "success", tasks
    assert seen, "the DAG opened no PostgreSQL connection through pipeline_dags.stores.postgres.connect()"
    assert set(seen) == {("pipeline_reader", "pipeline_reader", "pipeline_reader", True, False)}
