/**
 * `npm run test:faults`: the whole local pipeline (`npm start --no-demo`, a child process) under steady HTTP
 * traffic while Kafka, Cassandra, PostgreSQL and then the pipeline process itself are killed with SIGKILL
 * mid-stream and restarted. Every event answered 202 must end in both stores exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import type { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import type { ServiceName } from '../../local/services/local-service.js';
import { isOurProcessAlive, readPidRecord } from '../../local/services/process-supervisor.js';
import { bringUp, createLocalServices } from '../../local/services/service-runner.js';
import { cassandraClient, postgresPool, services, uniqueName } from '../support/local-services.js';
import { userPayload } from '../support/user-events.js';
import { malformedRequests } from './malformed-requests.js';

const topic = uniqueName('users_created_faults');
const port = 3100 + Math.floor(Math.random() * 500);
const api = `http://127.0.0.1:${port}`;
let pipeline: ChildProcess | undefined;
let pool: pg.Pool;
let cassandra: CassandraClient;
const log = (message: string) => console.error(`[faults] ${message}`);

async function startPipeline(): Promise<ChildProcess> {
  const started = await startPipelineProcess(
    ['--no-demo', '--no-console', '--port', String(port), '--invoke-port', '0'],
    {
      ...process.env,
      KAFKA_TOPIC: topic,
    },
  );
  started.child.once('exit', (code, signal) => {
    // SIGKILL is the test's own doing; 0 and 130 are clean exits after SIGINT.
    if (signal !== 'SIGKILL' && code !== 0 && code !== 130) {
      log(`pipeline exited (${code ?? signal}):\n${started.recentOutput()}`);
    }
  });
  return started.child;
}

/** Steady traffic: single-user posts, a few in flight; records what each answer was. */
class Traffic {
  readonly accepted = new Map<string, string>();
  readonly statuses = new Map<number | string, number>();
  private running = false;
  private loops: Promise<void>[] = [];
  private index = 100_000;

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
        const response = await fetch(`${api}/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
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
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function killService(name: ServiceName): number {
  const service = createLocalServices(services).find((s) => s.name === name);
  const record = service ? readPidRecord(service.pidFile) : undefined;
  if (!record || !isOurProcessAlive(record)) throw new Error(`${name} is not running`);
  process.kill(record.pid, 'SIGKILL');
  return record.pid;
}

async function storedEventIds(ids: readonly string[]) {
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

beforeAll(async () => {
  pool = postgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  pipeline = await startPipeline();
});

afterAll(async () => {
  pipeline?.kill('SIGINT');
  await pool?.end();
  await cassandra?.shutdown();
});

describe('fault suite: kill -9 under traffic', () => {
  const traffic = new Traffic();

  it('every event answered 202 survives SIGKILL of Kafka, Cassandra, PostgreSQL and the pipeline, exactly once', async () => {
    traffic.start();
    for (const name of ['kafka', 'cassandra', 'postgres'] as const) {
      const before = traffic.acceptedCount;
      await waitFor(`traffic before killing ${name}`, () => traffic.acceptedCount >= before + 100);
      log(`SIGKILL ${name} (pid ${killService(name)}) after ${traffic.acceptedCount} accepted`);
      await new Promise((r) => setTimeout(r, 3_000));
      await bringUp(
        createLocalServices(services).filter((s) => s.name === name),
        log,
      );
      const after = traffic.acceptedCount;
      await waitFor(`pushes accepted again after ${name} restart`, () => traffic.acceptedCount >= after + 50);
      log(
        `${name} back; ${traffic.acceptedCount} accepted so far; answers ${JSON.stringify([...traffic.statuses])}`,
      );
    }
    const beforePipelineKill = traffic.acceptedCount;
    await waitFor(
      'traffic before killing the pipeline',
      () => traffic.acceptedCount >= beforePipelineKill + 100,
    );
    log(`SIGKILL the pipeline process (bridge + processor + HTTP API), pid ${pipeline?.pid}`);
    if (pipeline?.pid) process.kill(pipeline.pid, 'SIGKILL');
    pipeline = await startPipeline();
    const afterRestart = traffic.acceptedCount;
    await waitFor(
      'pushes accepted after the pipeline restart',
      () => traffic.acceptedCount >= afterRestart + 100,
    );
    await traffic.stop();
    log(
      `traffic stopped: ${traffic.acceptedCount} accepted; answers ${JSON.stringify([...traffic.statuses])}`,
    );

    // Kafka's outage must have been answered 503, never 202.
    expect(traffic.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(traffic.statuses.get(500) ?? 0).toBe(0);
    const ids = [...traffic.accepted.keys()];
    await waitFor(
      'every accepted event in both stores',
      async () => {
        const stored = await storedEventIds(ids);
        log(
          `stored: postgres ${stored.pg.size}/${ids.length}, cassandra ${stored.cassandra.size}/${ids.length}`,
        );
        return stored.pg.size === ids.length && stored.cassandra.size === ids.length;
      },
      300_000,
    );
    const stored = await storedEventIds(ids);
    for (const [userId, eventId] of traffic.accepted) {
      expect(stored.pg.get(userId)).toBe(eventId);
      expect(stored.cassandra.get(userId)).toBe(eventId);
    }
  });

  it('10,000 generated malformed requests: zero 5xx, every answer a JSON error, nothing stored', async () => {
    const requests = malformedRequests(10_000, 'fault-suite-seed');
    const statuses = new Map<number, number>();
    const ids: string[] = [];
    for (let i = 0; i < requests.length; i += 50) {
      await Promise.all(
        requests.slice(i, i + 50).map(async (request) => {
          ids.push(...request.userIds);
          const response = await fetch(`${api}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          expect(response.status, `${request.description}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(
            400,
          );
          expect(response.status, request.description).toBeLessThan(500);
          // The handler's errors carry { error: { code } }; API Gateway's own (e.g. 403 for a path with no
          // resource) carry { message }. Either way the client gets JSON saying what went wrong.
          const body = JSON.parse(text) as { error?: { code?: string }; message?: string };
          expect(
            typeof (body.error?.code ?? body.message),
            `${request.description}: ${text.slice(0, 200)}`,
          ).toBe('string');
        }),
      );
    }
    log(`malformed requests by status: ${JSON.stringify([...statuses].sort())}`);
    const stored = await storedEventIds([...new Set(ids)]);
    expect(stored.pg.size + stored.cassandra.size).toBe(0);
  });
});
