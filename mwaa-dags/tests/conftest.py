"""Test setup for the DAGs.

* An isolated Airflow home (``.local/airflow-test``, SQLite metadata DB migrated once per session) with the DAGs
  folder pointing at ``mwaa-dags/dags``. Set before anything imports airflow.
* For integration tests: a throwaway PostgreSQL schema and Cassandra keyspace, built by the project's own schema
  tooling (``local/airflow/apply-schemas.ts``: the migration runner and the Cassandra table definitions), and
  the ``pipeline_*`` Airflow connections pointed at them. Dropped at the end. Nothing is mocked.
* Two PostgreSQL logins, as in AWS: the DAGs' connection ``pipeline_postgres`` logs in as the DAGs' role
  (``PIPELINE_READER_USER``/``PIPELINE_READER_PASSWORD``, pipeline_reader), like MWAA with the reader's secret;
  the tests' own setup, assertions and clean-up use the administrator (``PG_ADMIN_USER``/``PG_ADMIN_PASSWORD``).
  ``local/airflow/test.sh`` exports both from ``npm run services -- env``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

MWAA_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = MWAA_DIR.parent
DAGS_DIR = MWAA_DIR / "dags"
AIRFLOW_HOME = REPO_ROOT / ".local" / "airflow-test"
# The local Airflow connections, one definition for `npm run airflow` and these tests.
sys.path.insert(0, str(REPO_ROOT / "local" / "airflow"))

os.environ["AIRFLOW_HOME"] = str(AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_DIR)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT"] = "60"
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")

PARSE_TIMES: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter):
    if PARSE_TIMES:
        terminalreporter.section("DAG parse times (DagBag, per file)")
        for name, seconds in sorted(PARSE_TIMES.items()):
            terminalreporter.write_line(f"{name}: {seconds * 1000:.0f} ms")


@pytest.fixture(scope="session")
def airflow_db():
    """A fresh, migrated Airflow metadata DB for this session."""
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)
    AIRFLOW_HOME.mkdir(parents=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
        timeout=300,
    )
    return {"home": AIRFLOW_HOME, "migrate_seconds": time.monotonic() - started}


def load_dagbag():
    """The DAGs folder parsed the way the DAG processor does: as a bundle whose root is put on sys.path
    (MWAA does the same with its dags folder), which is what makes ``import pipeline_dags`` work."""
    try:  # Airflow >= 3.1
        from airflow.dag_processing.dagbag import BundleDagBag
    except ImportError:  # Airflow 3.0.x
        from airflow.models.dagbag import DagBag

        if str(DAGS_DIR) not in sys.path:
            sys.path.append(str(DAGS_DIR))
        return DagBag(dag_folder=str(DAGS_DIR), include_examples=False)
    return BundleDagBag(dag_folder=str(DAGS_DIR), bundle_path=DAGS_DIR)


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    bag = load_dagbag()
    for stat in bag.dagbag_stats:
        PARSE_TIMES[Path(stat.file).name] = stat.duration.total_seconds()
    return bag


# ---------------------------------------------------------------- real local services


def admin_pg_settings() -> dict:
    """The tests' own access (administrator): seeding, asserting, dropping the throwaway schema."""
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": int(os.environ.get("PGPORT", "5432")),
        "user": os.environ.get("PG_ADMIN_USER", "postgres"),
        "password": os.environ.get("PG_ADMIN_PASSWORD", "postgres"),
        "dbname": os.environ.get("PGDATABASE", "pipeline"),
    }


def dag_pg_login() -> tuple[str, str]:
    """The DAGs' login (role pipeline_reader of migration 0006), as ``npm run services -- env`` exports it."""
    from pipeline_connections import MissingDagLoginError, dag_postgres_login

    try:
        return dag_postgres_login(os.environ)
    except MissingDagLoginError as error:
        pytest.fail(str(error), pytrace=False)


def cassandra_settings() -> dict:
    return {
        "contact_points": [p.strip() for p in os.environ.get("CASSANDRA_CONTACT_POINTS", "127.0.0.1").split(",")],
        "port": int(os.environ.get("CASSANDRA_PORT", "9042")),
        "local_dc": os.environ.get("CASSANDRA_LOCAL_DC", "datacenter1"),
    }


def cassandra_cluster(**options):
    """A cassandra-driver Cluster on the local Cassandra (the tests' own access; the DAGs use their connection)."""
    from cassandra.cluster import Cluster
    from cassandra.policies import DCAwareRoundRobinPolicy

    cfg = cassandra_settings()
    return Cluster(
        cfg["contact_points"],
        port=cfg["port"],
        load_balancing_policy=DCAwareRoundRobinPolicy(local_dc=cfg["local_dc"]),
        **options,
    )


def kafka_brokers() -> str:
    return os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092")


def set_pipeline_connections(pg_schema: str | None, keyspace: str) -> None:
    """The DAGs' connections, as ``npm run airflow`` defines them: ``pipeline_postgres`` logs in as pipeline_reader
    (as on MWAA), here with the search_path of the throwaway schema."""
    from pipeline_connections import pipeline_connections

    dag_pg_login()  # a clear failure when the login is missing
    for name, value in pipeline_connections(os.environ, pg_schema=pg_schema, keyspace=keyspace).items():
        os.environ[name] = json.dumps(value)


@dataclass
class Stores:
    name: str  # PostgreSQL schema = Cassandra keyspace name

    def admin_pg(self):
        """The test's own connection (administrator) into the throwaway schema; the DAGs use pipeline_reader."""
        import psycopg2

        conn = psycopg2.connect(**admin_pg_settings(), options=f"-csearch_path={self.name}")
        conn.autocommit = True
        return conn

    def cassandra(self):
        cluster = cassandra_cluster()
        return cluster, cluster.connect(self.name)


def _services_reachable() -> str | None:
    import psycopg2

    try:
        psycopg2.connect(**admin_pg_settings(), connect_timeout=5).close()
    except Exception as error:
        return f"PostgreSQL at {admin_pg_settings()['host']}:{admin_pg_settings()['port']}: {error}"
    cfg = cassandra_settings()
    try:
        cluster = cassandra_cluster(connect_timeout=5)
        cluster.connect()
        cluster.shutdown()
    except Exception as error:
        return f"Cassandra at {cfg['contact_points']}:{cfg['port']}: {error}"
    return None


@pytest.fixture(scope="session")
def stores(airflow_db):
    """Throwaway schema + keyspace with the project's real schema; pipeline_* connections point at them."""
    problem = _services_reachable()
    if problem:
        if os.environ.get("PIPELINE_DAGS_SKIP_INTEGRATION") == "1":
            pytest.skip(f"local services unavailable ({problem}); PIPELINE_DAGS_SKIP_INTEGRATION=1")
        pytest.fail(f"local services unavailable: {problem}. Start them: npm run services -- up", pytrace=False)
    name = f"airflow_it_{uuid.uuid4().hex[:10]}"
    npx = shutil.which("npx")
    if npx is None:
        pytest.fail("npx not found: the schemas are applied with the project's TypeScript tooling", pytrace=False)
    applied = subprocess.run(
        # Both day tables, as a stage in the middle of its upgrade has them: the bucketed one the DAGs read (the
        # Variable signup_day_table) and the legacy one of test_day_table_upgrade.py.
        [
            npx,
            "tsx",
            "local/airflow/apply-schemas.ts",
            "--pg-schema",
            name,
            "--keyspace",
            name,
            "--legacy-table",
            "readers-switched",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if applied.returncode != 0:
        pytest.fail(f"apply-schemas failed:\n{applied.stdout}\n{applied.stderr}", pytrace=False)
    set_pipeline_connections(name, name)
    handle = Stores(name)
    try:
        yield handle
    finally:
        conn = handle.admin_pg()
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.close()
        cluster, session = handle.cassandra()
        session.execute(f"DROP KEYSPACE IF EXISTS {name}")
        cluster.shutdown()
