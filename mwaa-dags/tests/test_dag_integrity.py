"""Every DAG file parses, quickly, without import errors or driver imports, and follows the house rules."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import timedelta
from importlib import metadata
from pathlib import Path

import pytest

from conftest import DAGS_DIR, MWAA_DIR, REPO_ROOT

EXPECTED_DAGS = {
    "dead_letter_retention",
    "randomuser_ingest",
    "reconcile_stores",
    "data_quality",
    "replay_dead_letters",
    "replay_failed_batches",
}
#: Must never be imported while parsing DAG files (tasks import them when they run).
#: (jsonschema is not listed: Airflow itself imports it to validate Params.)
DRIVERS = [
    "psycopg2",
    "cassandra",
    "cassandra_sigv4",
    "confluent_kafka",
    "aws_msk_iam_sasl_signer",
    "pipeline_dags.contract",
]


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == EXPECTED_DAGS


def test_shared_package_is_not_parsed_as_dags(dagbag):
    parsed = {Path(stat.file).as_posix() for stat in dagbag.dagbag_stats}
    assert parsed == {f"{dag_id}.py" for dag_id in EXPECTED_DAGS} or all("pipeline_dags" not in p for p in parsed)
    assert (DAGS_DIR / ".airflowignore").read_text().count("pipeline_dags/") == 1


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_DAGS))
def test_dag_defaults(dagbag, dag_id):
    dag = dagbag.get_dag(dag_id)
    assert dag.catchup is False
    assert dag.doc_md
    assert len(dag.doc_md.strip()) > 100
    assert dag.tags
    assert "pipeline" in dag.tags
    assert dag.owner not in ("", "airflow")
    assert dag.max_active_runs == 1
    for task in dag.tasks:
        assert task.retries >= 2, f"{dag_id}.{task.task_id} retries={task.retries}"
        # Exponential on Airflow 3.2 (float multiplier) and on 3.0/3.1 (truthy bool): 1.0 would be constant.
        assert task.retry_exponential_backoff
        assert task.retry_exponential_backoff != 1
        assert task.retry_delay <= timedelta(minutes=5)
        assert task.owner == dag.owner


def test_schedules(dagbag):
    summaries = {dag_id: dagbag.get_dag(dag_id).schedule for dag_id in EXPECTED_DAGS}
    assert summaries == {
        "randomuser_ingest": "*/5 * * * *",
        "reconcile_stores": "@hourly",
        "data_quality": "@hourly",
        "replay_dead_letters": None,
        "replay_failed_batches": None,
        "dead_letter_retention": "@daily",
    }


def test_every_file_parses_within_the_import_timeout(dagbag):
    """A loose guard, not a speed target: Airflow drops a DAG file whose import exceeds
    core.dagbag_import_timeout, so a file that slow would vanish from the scheduler. Parse speed on this shared
    machine varies with load; the figures are printed, not asserted against a tight limit."""
    from airflow.configuration import conf

    timeout = conf.getfloat("core", "dagbag_import_timeout")
    assert len(dagbag.dagbag_stats) == len(EXPECTED_DAGS)
    for stat in dagbag.dagbag_stats:
        seconds = stat.duration.total_seconds()
        print(f"{stat.file}: parsed in {seconds:.3f} s (Airflow's import timeout: {timeout:.0f} s)")
        assert seconds < timeout, (
            f"{stat.file} took {seconds:.1f} s to parse; Airflow drops DAG files slower than "
            f"core.dagbag_import_timeout = {timeout:.0f} s"
        )


def test_parsing_imports_no_driver(airflow_db):
    # A fresh interpreter without the test's sys.path: only what parsing itself imports.
    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from conftest import load_dagbag\n"
        "bag = load_dagbag()\n"
        "assert not bag.import_errors, bag.import_errors\n"
        f"print(json.dumps(sorted(m for m in {DRIVERS!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_contract_copies_match_source():
    from pipeline_dags.fields_generated import EVENT_TYPES

    names = [f"{t['schema_stem']}.v{version}.schema.json" for t in EVENT_TYPES.values() for version in t["versions"]]
    assert "user-deleted.v1.schema.json" in names
    for name in names:
        source = REPO_ROOT / "lambdas" / "shared" / "contract" / name
        copy = DAGS_DIR / "pipeline_dags" / "contract" / name
        assert copy.read_bytes() == source.read_bytes(), f"{copy} is stale: run npm run generate"
    copies = sorted(p.name for p in (DAGS_DIR / "pipeline_dags" / "contract").glob("*.schema.json"))
    assert copies == sorted(names), "a contract copy the registry no longer has"


def _pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a constraints file, names normalised as pip does (PEP 503)."""
    pins = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "==" in line:
            name, version = line.split("==", 1)
            pins[re.sub(r"[-_.]+", "-", name.strip().lower())] = version.strip()
    return pins


def _mwaa_versions() -> tuple[str, str]:
    """(Airflow, Python minor) that MWAA runs, as named by the constraints URL of requirements.txt."""
    found = re.search(
        r'^--constraint "https://raw\.githubusercontent\.com/apache/airflow/constraints-([\d.]+)/constraints-(3\.\d+)\.txt"$',
        (MWAA_DIR / "requirements.txt").read_text(),
        re.M,
    )
    assert found, "requirements.txt has no official constraints URL"
    return found.group(1), found.group(2)


def test_versions_agree():
    """MWAA's Airflow and Python (requirements.txt), the local venv, its lock, the copy of the official
    constraints, the compose image and the CDK environment all name the same versions."""
    pinned = re.search(r"^apache-airflow==([\d.]+)$", (MWAA_DIR / "requirements-local.txt").read_text(), re.M)
    assert pinned
    version = pinned.group(1)
    mwaa_version, python = _mwaa_versions()
    assert mwaa_version == version
    assert metadata.version("apache-airflow") == version
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == python
    lock = MWAA_DIR / f"constraints-{python}.txt"
    assert sorted(p.name for p in MWAA_DIR.glob("constraints-*.txt")) == [lock.name]
    assert f"apache-airflow=={version}\n" in lock.read_text()
    assert f"on Python {python}," in lock.read_text().splitlines()[0]
    upstream = REPO_ROOT / "local" / "airflow" / f"constraints-upstream-{version}-py{python}.txt"
    assert sorted(p.name for p in upstream.parent.glob("constraints-upstream-*.txt")) == [upstream.name]
    assert f"constraints-{version}/constraints-{python}.txt" in upstream.read_text()
    compose = (REPO_ROOT / "docker-compose.localstack.yml").read_text()
    assert f"image: apache/airflow:{version}-python{python}\n" in compose
    cdk = (REPO_ROOT / "lib" / "constructs" / "orchestration" / "airflow-version.ts").read_text()
    assert f"export const AIRFLOW_VERSION = '{version}';" in cdk


def test_lock_keeps_every_official_pin():
    """The local lock may add packages the official constraints do not list (pytest, ruff, cassandra-sigv4),
    but every package they do list has exactly MWAA's version."""
    version, python = _mwaa_versions()
    lock = _pins(MWAA_DIR / f"constraints-{python}.txt")
    official = _pins(REPO_ROOT / "local" / "airflow" / f"constraints-upstream-{version}-py{python}.txt")
    shared = sorted(set(lock) & set(official))
    assert len(shared) > 100
    assert {name: lock[name] for name in shared} == {name: official[name] for name in shared}
    assert set(lock) - set(official) <= {
        "apache-airflow",
        "apache-airflow-core",
        "apache-airflow-task-sdk",
        "aws-msk-iam-sasl-signer-python",
        "cassandra-sigv4",
        "iniconfig",
        "pytest",
        "ruff",
    }


def test_official_constraints_copy_is_verbatim():
    """Below its marker line, the copy is MWAA's file byte for byte: its git blob id is the one the header names
    (aws/amazon-mwaa-docker-images images/airflow/<version>/etc/airflow_constraints.txt)."""
    version, python = _mwaa_versions()
    text = (REPO_ROOT / "local" / "airflow" / f"constraints-upstream-{version}-py{python}.txt").read_bytes()
    header, body = text.split(b"# ---- verbatim copy below ----\n", 1)
    assert f"images/airflow/{version}/etc/airflow_constraints.txt".encode() in header
    blob = re.search(rb"^#   git blob:\s+([0-9a-f]{40})$", header, re.M)
    assert blob
    assert hashlib.sha1(b"blob %d\0" % len(body) + body, usedforsecurity=False).hexdigest().encode() == blob.group(1)
