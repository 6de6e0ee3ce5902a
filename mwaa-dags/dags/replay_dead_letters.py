"""
### replay_dead_letters

Manual. Re-produces dead letters (PostgreSQL `dead_letters`, not yet replayed) to the topic and marks them
`replayed_at` / `replay_event_id`.

* `reasons`: only these reasons (empty = all); `limit`: at most this many replayed per run; `max_scan`: stop
  after looking at this many rows (default 10 x limit).
* Each raw value is validated against the user.created v1 JSON Schema; records that still fail are skipped and
  reported unless `allow_invalid`.
* Key = the payload's `id` when the value parses, else the stored raw key. `new_event_id` (default true) gives
  the replayed event a fresh `event_id` ("a replay produces a new event_id"); false re-produces the raw bytes.
* `dry_run` (default **true**): only reports what would be replayed; nothing is produced or marked.
* Idempotent: only rows the broker acknowledged are marked, in the transaction that locked them
  (FOR UPDATE SKIP LOCKED), so a second run with the same parameters replays nothing new.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipeline_dags import settings
from pipeline_dags.common import DEFAULT_ARGS, START_DATE, tags


@dag(
    dag_id="replay_dead_letters",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    tags=tags("replay", "dead-letters", "kafka"),
    doc_md=__doc__,
    params={
        "reasons": Param([], type="array", items={"type": "string"}, description="Reasons to replay; empty = all."),
        "limit": Param(100, type="integer", minimum=1, maximum=100000),
        "max_scan": Param(None, type=["null", "integer"], minimum=1, description="Rows to look at (10 x limit)."),
        "dry_run": Param(True, type="boolean"),
        "allow_invalid": Param(False, type="boolean", description="Also re-produce records failing the contract."),
        "new_event_id": Param(True, type="boolean", description="Give replayed events a fresh event_id."),
        "topic": Param(settings.DEFAULT_TOPIC, type="string", minLength=1),
    },
)
def replay_dead_letters():
    @task
    def replay(params: dict | None = None) -> dict:
        from pipeline_dags.replay import run_replay

        outcome = run_replay(params)
        if outcome["failed"]["count"]:
            # Acknowledged records are already marked; a retry picks up the rest.
            raise RuntimeError(f"{outcome['failed']['count']} records were not acknowledged: {outcome['failed']}")
        return outcome

    replay()


replay_dead_letters()
