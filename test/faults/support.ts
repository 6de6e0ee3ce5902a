// Shared by the fault suites: steady HTTP traffic, waiting, killing a service by its pid file, and reading
// back what both stores hold.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { loadStageConfig } from '../../bin/config/index.js';
import type { ReplayReport } from '../../lambdas/replay-failed-batches/replay.js';
import { callerHeaders, stageApiAccess } from '../../local/runtime/api-gateway-access.js';
import { lagByPartition, topicDepth } from '../../local/runtime/kafka-offsets.js';
import { LOCAL_MAPPING_STAGE } from '../../local/runtime/local-mapping.js';
import { startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import type { ServiceName } from '../../local/services/local-service.js';
import { isOurProcessAlive, readPidRecord } from '../../local/services/process-supervisor.js';
import { createLocalServices } from '../../local/services/service-runner.js';
import { repoRoot } from '../../tools/repo-root.js';
import { services } from '../support/local-services.js';
import { userPayload } from '../support/user-events.js';

/**
 * The fault suites push far more than the dev stage's API throttle (api.throttleRateLimit) lets through:
 * they raise it explicitly, and say so in their output, so a 429 never hides a fault's effect.
 */
export const FAULT_API_THROTTLE = { rateLimit: 100_000, burstLimit: 100_000 } as const;
export const FAULT_API_THROTTLE_ARGS = [
  '--api-rate',
  String(FAULT_API_THROTTLE.rateLimit),
  '--api-burst',
  String(FAULT_API_THROTTLE.burstLimit),
];
const stageApi = loadStageConfig(LOCAL_MAPPING_STAGE, {}).api;
export const faultThrottleNote =
  `API throttle raised to ${FAULT_API_THROTTLE.rateLimit} req/s, burst ${FAULT_API_THROTTLE.burstLimit} ` +
  `(the ${LOCAL_MAPPING_STAGE} stage allows ${stageApi.throttleRateLimit}, burst ${stageApi.throttleBurstLimit})`;

/** What every request of the fault suites carries: the state directory's API key, as any local client must. */
export const faultApiHeaders = callerHeaders(stageApiAccess(LOCAL_MAPPING_STAGE, services.stateDir).auth);

/**
 * `npm start --no-demo --no-console` as a child on its own topics and API port; an unexpected exit is logged
 * with the child's last output (SIGKILL is the test's own doing; 0 and 130 are clean exits after SIGINT).
 */
export async function startFaultPipeline(
  options: { readonly port: number; readonly topic: string; readonly failureTopic: string },
  log: (message: string) => void,
): Promise<ChildProcess> {
  const started = await startPipelineProcess(
    [
      '--no-demo',
      '--no-console',
      '--port',
      String(options.port),
      '--invoke-port',
      '0',
      ...FAULT_API_THROTTLE_ARGS,
    ],
    { ...process.env, KAFKA_TOPIC: options.topic, KAFKA_FAILURE_TOPIC: options.failureTopic },
  );
  log(`pipeline on port ${options.port}: ${faultThrottleNote}`);
  started.child.once('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && code !== 0 && code !== 130) {
      log(`pipeline exited (${code ?? signal}):\n${started.recentOutput()}`);
    }
  });
  return started.child;
}

/** Steady traffic: single-user posts, a few in flight; records what each answer was. */
export class Traffic {
  readonly accepted = new Map<string, string>();
  readonly statuses = new Map<number | string, number>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly api: string,
    private index = 100_000,
    /** Pause between two posts of one loop, ms. */
    private readonly pauseMs = 20,
  ) {}

  start(concurrency = 4): void {
    this.running = true;
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  get acceptedCount(): number {
    return this.accepted.size;
  }

  private count(key: number | string) {
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const user = userPayload(this.index++);
      try {
        const response = await fetch(`${this.api}/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...faultApiHeaders },
          body: JSON.stringify(user),
          signal: AbortSignal.timeout(35_000),
        });
        this.count(response.status);
        const body = (await response.json()) as { event_ids?: string[] };
        if (response.status === 202) this.accepted.set(user.id as string, body.event_ids?.[0] as string);
      } catch {
        this.count('connection-error');
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, this.pauseMs));
    }
  }
}

/** Polls `condition` until it holds; `what` may be a function, to name the last state seen in the timeout. */
export async function waitFor(
  what: string | (() => string),
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** SIGKILL of one of OUR services, by its pid file. */
export function killService(name: ServiceName): number {
  const service = createLocalServices(services).find((s) => s.name === name);
  const record = service ? readPidRecord(service.pidFile) : undefined;
  if (!record || !isOurProcessAlive(record)) throw new Error(`${name} is not running`);
  process.kill(record.pid, 'SIGKILL');
  return record.pid;
}

/** event_id by user id, in PostgreSQL `users` and Cassandra `created_users`. */
export async function storedEventIds(pool: pg.Pool, cassandra: CassandraClient, ids: readonly string[]) {
  const pgRows = await pool.query<{ user_id: string; event_id: string }>(
    'select user_id, event_id from users where user_id = any($1::uuid[])',
    [ids],
  );
  const wide = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    const result = await cassandra.execute(
      'SELECT id, event_id FROM pipeline.created_users WHERE id IN ?',
      [ids.slice(i, i + 100)],
      { prepare: true },
    );
    for (const row of result.rows) wide.set(row.get('id').toString(), row.get('event_id').toString());
  }
  return { pg: new Map(pgRows.rows.map((r) => [r.user_id, r.event_id])), cassandra: wide };
}

/** Messages in a topic (sum of its partitions' end offsets; nothing is ever deleted in a test's time). */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // A topic that does not exist holds nothing.
    return (await topicDepth(admin, topic)) ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/** Records of `topic` the group has not committed yet: the console's per-partition lag, summed. */
export async function consumerLag(kafka: Kafka, topic: string, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lags = await lagByPartition(admin, topic, groupId);
    return lags.reduce((sum, p) => sum + p.lag, 0);
  } finally {
    await admin.disconnect();
  }
}

/** `npm run replay -- failed-batches ...` exactly as an operator runs it; returns its JSON report. */
export function runReplayCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ReplayReport> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'replay', '--', 'failed-batches', ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`replay exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ReplayReport);
    });
  });
}
