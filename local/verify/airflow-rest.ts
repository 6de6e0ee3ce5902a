/**
 * Running a DAG through the Airflow REST API (Airflow 3: /api/v2, paths relative to it, as MWAA's
 * InvokeRestApi takes them): is the DAG paused, trigger a run with a conf, poll it to its end, then read its
 * task states. The transport is MWAA's InvokeRestApi in AWS.
 */
import type { DagPort, DagRunOutcome } from './ports.js';

export interface RestCall {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the API root, e.g. `/dags/data_quality/dagRuns`. */
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
}

export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

export type RestTransport = (call: RestCall) => Promise<RestAnswer>;

/** Thrown when the API answers outside 2xx; carries what it said. */
export class AirflowApiError extends Error {
  override readonly name = 'AirflowApiError';
  constructor(call: RestCall, answer: RestAnswer) {
    super(
      `${call.method} ${call.path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
  }
}

const TERMINAL = new Set(['success', 'failed']);

export class AirflowRestDagRunner implements DagPort {
  constructor(
    private readonly transport: RestTransport,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
    private readonly pollMs = 10_000,
  ) {}

  async runDag(
    dagId: string,
    runId: string,
    conf: Readonly<Record<string, unknown>>,
    timeoutMs: number,
    progress: (message: string) => void,
  ): Promise<DagRunOutcome> {
    const dag = (await this.call({ method: 'GET', path: `/dags/${dagId}` })) as { is_paused?: boolean };
    if (dag.is_paused) {
      return {
        runId,
        state: 'not run',
        tasks: {},
        problem: `${dagId} is paused, a triggered run would wait forever`,
      };
    }
    await this.call({
      method: 'POST',
      path: `/dags/${dagId}/dagRuns`,
      body: { dag_run_id: runId, logical_date: null, conf },
    });
    const started = this.clock.now();
    let state = 'queued';
    while (!TERMINAL.has(state)) {
      if (this.clock.now() - started >= timeoutMs) {
        return {
          runId,
          state,
          tasks: await this.tasks(dagId, runId),
          problem: `still ${state} after ${timeoutMs / 1000} s`,
        };
      }
      await this.clock.sleep(this.pollMs);
      const run = (await this.call({ method: 'GET', path: `/dags/${dagId}/dagRuns/${runId}` })) as {
        state?: string;
      };
      if (run.state !== state) progress(`${dagId} run ${runId}: ${run.state}`);
      state = run.state ?? 'unknown';
    }
    return { runId, state, tasks: await this.tasks(dagId, runId) };
  }

  private async tasks(dagId: string, runId: string): Promise<Record<string, string>> {
    const body = (await this.call({
      method: 'GET',
      path: `/dags/${dagId}/dagRuns/${runId}/taskInstances`,
    })) as { task_instances?: { task_id: string; state: string | null }[] };
    return Object.fromEntries((body.task_instances ?? []).map((t) => [t.task_id, t.state ?? 'none']));
  }

  private async call(call: RestCall): Promise<unknown> {
    const answer = await this.transport(call);
    if (answer.status < 200 || answer.status >= 300) throw new AirflowApiError(call, answer);
    return answer.body;
  }
}
