"""randomuser_ingest: the Lambda operator wiring against a tiny Lambda-Invoke stand-in started in the test.

The stand-in speaks the real wire protocol (POST /2015-03-31/functions/{name}/invocations, SigV4-signed by
botocore, X-Amz-Function-Error on a function error), so the operator, the aws_default connection's
endpoint_url and the result check run exactly as they will against the project's local endpoint. The
end-to-end test against that endpoint (-> Kafka -> processor -> both stores) runs when LAMBDA_ENDPOINT_URL is set.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import run_dag

INVOKE_PREFIX = "/2015-03-31/functions/"


class LambdaStandIn:
    """Answers every invocation with the next queued (body, function_error) and records the calls."""

    def __init__(self):
        self.calls: list[dict] = []
        self.responses: list[tuple[dict, str | None]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                outer.calls.append(
                    {
                        "path": self.path,
                        "body": json.loads(body or b"null"),
                        "signed": self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"),
                    }
                )
                payload, function_error = outer.responses.pop(0)
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Amz-Executed-Version", "$LATEST")
                if function_error:
                    self.send_header("X-Amz-Function-Error", function_error)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def function_names(self) -> list[str]:
        return [c["path"][len(INVOKE_PREFIX) :].split("/")[0] for c in self.calls]


def aws_connection(endpoint_url: str) -> str:
    return json.dumps(
        {
            "conn_type": "aws",
            "login": "test",
            "password": "test",
            "extra": {"endpoint_url": endpoint_url, "region_name": "us-east-1"},
        }
    )


@pytest.fixture
def lambda_endpoint(monkeypatch):
    stand_in = LambdaStandIn()
    stand_in.thread.start()
    monkeypatch.setenv("AIRFLOW_CONN_AWS_DEFAULT", aws_connection(stand_in.url))
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def pull_result(requested: int, produced: int, failed: int = 0, complete: bool = True) -> dict:
    return {
        "requested": requested,
        "fetched": produced + failed,
        "produced": produced,
        "failed": failed,
        "failures": [],
        "seed": "abc123",
        "pages": 1,
        "retries": 0,
        "complete": complete,
        "durationMs": 12,
    }


def test_invokes_the_function_named_by_the_variable_and_accepts_a_complete_pull(dagbag, lambda_endpoint, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_INGEST_PULL_FUNCTION_NAME", "ingest-pull-blue")
    lambda_endpoint.responses.append((pull_result(3, 3), None))

    state, tasks, _ = run_dag(dagbag, "randomuser_ingest", {"count": 3})

    assert state == "success", tasks
    assert lambda_endpoint.function_names() == ["ingest-pull-blue"]
    assert lambda_endpoint.calls[0]["body"] == {"count": 3}
    assert lambda_endpoint.calls[0]["signed"] is True


def test_a_shortfall_above_the_threshold_fails_without_retry(dagbag, lambda_endpoint, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_INGEST_PULL_FUNCTION_NAME", "ingest-pull-blue")
    lambda_endpoint.responses.append((pull_result(4, 2, failed=1, complete=False), None))

    conf = {"count": 4, "function_name": "ingest-pull-green", "max_failure_ratio": 0.25}
    state, tasks, _ = run_dag(dagbag, "randomuser_ingest", conf)

    assert state == "failed"
    assert tasks == {"invoke_ingest_pull": "success", "check_result": "failed"}
    assert lambda_endpoint.function_names() == ["ingest-pull-green"]  # the param wins over the Variable
    assert len(lambda_endpoint.calls) == 1  # a verdict is not retried


def test_a_function_error_fails_the_invoke_task(dagbag, lambda_endpoint):
    lambda_endpoint.responses.append(
        ({"errorType": "InvalidPullRequestError", "errorMessage": "bad count"}, "Unhandled")
    )
    task = copy.deepcopy(dagbag.get_dag("randomuser_ingest").get_task("invoke_ingest_pull"))
    assert task.retries >= 2  # the task is retried by Airflow...
    assert task.botocore_config["retries"] == {"total_max_attempts": 1}  # ...never by botocore on its own
    assert task.botocore_config["read_timeout"] >= 900  # a long pull must not time out client-side
    task.function_name, task.payload = "ingest-pull", '{"count": 2}'  # what the templates render to

    with pytest.raises(ValueError, match="resulted in error"):
        task.execute({})
    assert lambda_endpoint.calls[0]["body"] == {"count": 2}


@pytest.mark.e2e
@pytest.mark.integration
def test_end_to_end_through_the_local_pipeline(dagbag, monkeypatch):
    """Real local Lambda-invoke endpoint -> ingest-pull -> Kafka -> processor -> PostgreSQL and Cassandra."""
    endpoint = os.environ.get("LAMBDA_ENDPOINT_URL")
    if not endpoint:
        pytest.skip("LAMBDA_ENDPOINT_URL is not set: start the local Lambda-invoke endpoint to run this test")
    import psycopg2
    from cassandra.cluster import Cluster

    from conftest import admin_pg_settings, cassandra_settings

    monkeypatch.setenv("AIRFLOW_CONN_AWS_DEFAULT", aws_connection(endpoint))
    started = datetime.now(UTC)
    # Name the function explicitly: an earlier dag.test() in this session may have left another name in params.
    state, tasks, _ = run_dag(dagbag, "randomuser_ingest", {"count": 3, "function_name": "ingest-pull"})
    assert state == "success", tasks

    # The processor writes asynchronously: wait for the users to reach both stores (the pipeline's own schema).
    deadline, ids = time.monotonic() + 90, []
    while time.monotonic() < deadline:
        with psycopg2.connect(**admin_pg_settings()) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT user_id FROM users WHERE source = 'ingest-pull' AND ingested_at >= %s",
                (started,),
            )
            ids = [row[0] for row in cur.fetchall()]
        if len(ids) >= 3:
            break
        time.sleep(2)
    assert len(ids) >= 3, f"only {len(ids)} users reached PostgreSQL"
    cfg = cassandra_settings()
    cluster = Cluster(cfg["contact_points"], port=cfg["port"])
    try:
        session = cluster.connect("pipeline")
        found = [session.execute("SELECT id FROM created_users WHERE id = %s", (uuid.UUID(str(i)),)).one() for i in ids]
    finally:
        cluster.shutdown()
    assert all(found), "users missing from Cassandra created_users"
