"""Runs one DAG of mwaa-dags/dags to its end in this process (``dag.test``) against the local services, for
``npm run verify -- --stage local`` (local/verify/local-airflow.ts). The DAG's connections are the ones
``npm run airflow`` gives it (pipeline_connections.py: ``pipeline_postgres`` logs in as pipeline_reader, as on
MWAA). The environment must name AIRFLOW_HOME (a migrated metadata database) and the DAGs folder.

usage: run_dag.py <dag id> <conf as JSON>

The last line of stdout is ``VERIFY_DAG_RESULT {"run_id": ..., "state": ..., "tasks": {...}}``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RESULT_PREFIX = "VERIFY_DAG_RESULT "
DAGS_DIR = Path(__file__).resolve().parents[2] / "mwaa-dags" / "dags"


def result(run_id: str, state: str, tasks: dict[str, str], problem: str | None = None) -> None:
    outcome = {"run_id": run_id, "state": state, "tasks": tasks}
    if problem:
        outcome["problem"] = problem
    print(RESULT_PREFIX + json.dumps(outcome), flush=True)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    dag_id, conf = sys.argv[1], json.loads(sys.argv[2])
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pipeline_connections import pipeline_connections

    for name, value in pipeline_connections(os.environ).items():
        os.environ[name] = json.dumps(value)

    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(DAGS_DIR), bundle_path=DAGS_DIR)
    dag = bag.get_dag(dag_id)
    if dag is None:
        result("", "not run", {}, f"{dag_id} is not in the DAG bag: {bag.import_errors}")
        return 0
    run = dag.test(run_conf=conf)
    tasks = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    result(run.run_id, str(run.state), tasks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
