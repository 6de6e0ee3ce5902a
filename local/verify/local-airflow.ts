/**
 * The local stand-in for MWAA's REST API in `npm run verify -- --stage local`: the data_quality DAG of
 * mwaa-dags/dags run to its end by the real Airflow of the local venv (the MWAA version), in one process
 * (`dag.test`, local/airflow/run_dag.py) with the connections `npm run airflow` gives the DAGs (PostgreSQL as
 * pipeline_reader). What differs from MWAA: no scheduler, executor or REST API is involved, so the run's
 * trigger, queueing and worker are not exercised; the DAG code, its tasks and their database login are.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DagPort, DagRunOutcome } from './ports.js';

const RESULT_PREFIX = 'VERIFY_DAG_RESULT ';

export interface LocalAirflowOptions {
  readonly repoRoot: string;
  /** The Airflow venv (AIRFLOW_VENV, default .cache/airflow-venv). */
  readonly venv: string;
  /** Its own AIRFLOW_HOME: a SQLite metadata database migrated on first use. */
  readonly home: string;
  /** The connection variables (`npm run services -- env`): PG*, PIPELINE_READER_*, CASSANDRA_*, KAFKA_*. */
  readonly env: NodeJS.ProcessEnv;
}

/** Thrown when an Airflow command fails or says nothing usable. */
export class LocalAirflowError extends Error {
  override readonly name = 'LocalAirflowError';
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const tail = (text: string) => text.trim().split('\n').slice(-5).join(' | ');

export class LocalAirflowDagRunner implements DagPort {
  constructor(private readonly options: LocalAirflowOptions) {}

  private environment(): NodeJS.ProcessEnv {
    const { repoRoot, home, env } = this.options;
    return {
      ...env,
      PATH: `${join(this.options.venv, 'bin')}:${env.PATH ?? ''}`,
      AIRFLOW_HOME: home,
      AIRFLOW__CORE__DAGS_FOLDER: join(repoRoot, 'mwaa-dags', 'dags'),
      AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
      AIRFLOW__LOGGING__LOGGING_LEVEL: 'WARNING',
    };
  }

  /** The venv (installed if missing, as `npm run airflow` does) and a migrated metadata database. */
  private async prepare(progress: (message: string) => void): Promise<void> {
    const { repoRoot, venv, home } = this.options;
    const env = this.environment();
    if (!existsSync(join(venv, 'bin', 'airflow'))) {
      progress('installing the Airflow venv (local/airflow/install.sh; minutes on a first run)');
      const install = await run('bash', ['local/airflow/install.sh'], env, repoRoot, 1_800_000);
      if (install.code !== 0)
        throw new LocalAirflowError(`local/airflow/install.sh failed: ${tail(install.stderr)}`);
    }
    if (existsSync(join(home, 'airflow.db'))) return;
    mkdirSync(home, { recursive: true });
    progress(`migrating a metadata database for the local Airflow (${home})`);
    const migrate = await run(join(venv, 'bin', 'airflow'), ['db', 'migrate'], env, repoRoot, 600_000);
    if (migrate.code !== 0) throw new LocalAirflowError(`airflow db migrate failed: ${tail(migrate.stderr)}`);
  }

  async runDag(
    dagId: string,
    _runId: string,
    conf: Readonly<Record<string, unknown>>,
    timeoutMs: number,
    progress: (message: string) => void,
  ): Promise<DagRunOutcome> {
    await this.prepare(progress);
    progress(`running ${dagId} in the local Airflow (dag.test)`);
    const { repoRoot, venv } = this.options;
    const answer = await run(
      join(venv, 'bin', 'python'),
      ['local/airflow/run_dag.py', dagId, JSON.stringify(conf)],
      this.environment(),
      repoRoot,
      timeoutMs,
    );
    const line = answer.stdout
      .split('\n')
      .reverse()
      .find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) {
      throw new LocalAirflowError(
        `run_dag.py ended ${answer.code} without a result: ${tail(answer.stderr || answer.stdout)}`,
      );
    }
    const outcome = JSON.parse(line.slice(RESULT_PREFIX.length)) as {
      run_id: string;
      state: string;
      tasks: Record<string, string>;
      problem?: string;
    };
    return {
      runId: outcome.run_id,
      state: outcome.state,
      tasks: outcome.tasks,
      ...(outcome.problem ? { problem: outcome.problem } : {}),
    };
  }

  /**
   * The Airflow version of the venv; before its first install (the MWAA check installs it), the version
   * local/airflow/install.sh will install: the apache-airflow pin of mwaa-dags/requirements-local.txt.
   */
  async version(): Promise<string> {
    if (!existsSync(join(this.options.venv, 'bin', 'python'))) return this.pinnedVersion();
    const answer = await run(
      join(this.options.venv, 'bin', 'python'),
      ['-c', 'import importlib.metadata as m; print(m.version("apache-airflow"))'],
      this.environment(),
      this.options.repoRoot,
      60_000,
    );
    if (answer.code !== 0)
      throw new LocalAirflowError(`no Airflow in ${this.options.venv}: ${tail(answer.stderr)}`);
    return answer.stdout.trim();
  }

  private pinnedVersion(): string {
    const requirements = join(this.options.repoRoot, 'mwaa-dags', 'requirements-local.txt');
    const pin = /^apache-airflow==([0-9.]+)/m.exec(readFileSync(requirements, 'utf8'))?.[1];
    if (!pin) throw new LocalAirflowError(`no apache-airflow==X.Y.Z pin in ${requirements}`);
    return pin;
  }
}
