/**
 * `npm run test:faults`: the whole local pipeline (`npm start --no-demo`, a child process) under steady HTTP
 * traffic while Kafka, Cassandra, PostgreSQL and then the pipeline process itself are killed with SIGKILL
 * mid-stream and restarted. Every event answered 202 must end in both stores exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import type { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bringUp, createLocalServices } from '../../local/services/service-runner.js';
import {
  adminPostgresPool,
  cassandraClient,
  kafkaClient,
  services,
  uniqueName,
} from '../support/local-services.js';
import { malformedRequests } from './malformed-requests.js';
import {
  consumerLag,
  faultApiHeaders,
  killService,
  runReplayCli,
  startFaultPipeline,
  storedEventIds as storedIn,
  Traffic,
  waitFor,
} from './support.js';

const topic = uniqueName('users_created_faults');
const failureTopic = uniqueName('users_created_faults_failed');
const replayGroup = uniqueName('faults_replay');
const port = 3100 + Math.floor(Math.random() * 500);
const api = `http://127.0.0.1:${port}`;
let pipeline: ChildProcess | undefined;
let pool: pg.Pool;
let cassandra: CassandraClient;
const log = (message: string) => console.error(`[faults] ${message}`);

const startPipeline = () => startFaultPipeline({ port, topic, failureTopic }, log);

beforeAll(async () => {
  pool = adminPostgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  pipeline = await startPipeline();
});

afterAll(async () => {
  pipeline?.kill('SIGINT');
  await pool?.end();
  await cassandra?.shutdown();
});

const storedEventIds = (ids: readonly string[]) => storedIn(pool, cassandra, ids);

describe('fault suite: kill -9 under traffic', () => {
  const traffic = new Traffic(api);

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
    // A store down for longer than the retry budget sends batches to the failure topic, as in AWS; once the
    // bridge has caught up, the operator's replay brings them back.
    const kafka = kafkaClient('fault-suite');
    await waitFor(
      'the bridge caught up',
      async () => (await consumerLag(kafka, topic, 'local-processor')) === 0,
      300_000,
    );
    const replay = await runReplayCli([], {
      ...process.env,
      KAFKA_FAILURE_TOPIC: failureTopic,
      REPLAY_GROUP_ID: replayGroup,
    });
    log(`replayed ${replay.replayed.count} failed records, skipped ${replay.skipped.count}`);
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
            headers: { ...request.headers, ...faultApiHeaders },
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
