/**
 * The failure path, end to end on real processes (`npm start` as a child, real Kafka, Cassandra, PostgreSQL):
 *
 * - store outage: Cassandra is stopped under steady HTTP traffic for longer than a small retry budget
 *   (`--retry-attempts 2`); the batches that exhaust it reach the failure topic; Cassandra comes back;
 *   `npm run replay -- failed-batches` replays them; every event answered 202 is in both stores exactly once,
 *   and a second replay does nothing;
 * - poison record: a PostgreSQL trigger refuses one user id; bisection isolates it, only that record reaches
 *   the failure topic, and the rest of its batch lands.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFailedRecord } from '../../lambdas/shared/kafka/failed-record.js';
import { startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import { bringUp, createLocalServices } from '../../local/services/service-runner.js';
import {
  adminPostgresPool,
  cassandraClient,
  consumeAll,
  kafkaClient,
  services,
  uniqueName,
} from '../support/local-services.js';
import { userPayload } from '../support/user-events.js';
import {
  consumerLag,
  FAULT_API_THROTTLE_ARGS,
  faultApiHeaders,
  faultThrottleNote,
  killService,
  runReplayCli,
  storedEventIds,
  Traffic,
  topicSize,
  waitFor,
} from './support.js';

const topic = uniqueName('users_created_failpath');
const failureTopic = uniqueName('users_created_failpath_failed');
const replayGroup = uniqueName('failpath_replay');
const port = 3600 + Math.floor(Math.random() * 300);
const api = `http://127.0.0.1:${port}`;
const RETRY_ATTEMPTS = 2;
const replayEnv = () => ({ ...process.env, KAFKA_FAILURE_TOPIC: failureTopic, REPLAY_GROUP_ID: replayGroup });
const log = (message: string) => console.error(`[failure-path] ${message}`);

let pipeline: ChildProcess | undefined;
let kafka: Kafka;
let pool: pg.Pool;
let cassandra: CassandraClient;

beforeAll(async () => {
  kafka = kafkaClient('failure-path-faults');
  pool = adminPostgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  const started = await startPipelineProcess(
    [
      '--no-demo',
      '--port',
      String(port),
      '--invoke-port',
      '0',
      '--retry-attempts',
      String(RETRY_ATTEMPTS),
      // Any free port: the default 3002 may be another pipeline's console on a shared machine.
      '--console-port',
      '0',
      ...FAULT_API_THROTTLE_ARGS,
    ],
    { ...process.env, KAFKA_TOPIC: topic, KAFKA_FAILURE_TOPIC: failureTopic },
  );
  // The pipeline's whole output, for a failed run's post-mortem (recentOutput keeps only the tail).
  const output = createWriteStream(join(services.stateDir, 'logs', 'failure-path-pipeline.log'));
  started.child.stdout?.pipe(output);
  started.child.stderr?.pipe(output);
  started.child.once('exit', (code, signal) => {
    if (code !== 0 && code !== 130) log(`pipeline exited (${code ?? signal}):\n${started.recentOutput()}`);
  });
  log(faultThrottleNote);
  pipeline = started.child;
});

afterAll(async () => {
  pipeline?.kill('SIGINT');
  await pool?.query('DROP TRIGGER IF EXISTS refuse_poison_user ON users').catch(() => {});
  await pool?.end();
  await cassandra?.shutdown();
});

const caughtUp = () =>
  waitFor(
    'the bridge caught up',
    async () => (await consumerLag(kafka, topic, 'local-processor')) === 0,
    600_000,
  );

/**
 * Where each accepted event missing from Cassandra is: its place in the traffic (before the kill, during the
 * outage, after the restart), its source-topic record, whether a failure-topic record names it, and whether a
 * day-table row holds it. Printed when the stores never converge, so a failed run says what was lost.
 */
async function missingReport(
  accepted: ReadonlyMap<string, string>,
  marks: { readonly atKill: number; readonly afterBack: number },
): Promise<string> {
  const ids = [...accepted.keys()];
  const stored = await storedEventIds(pool, cassandra, ids);
  const missing = ids.filter((id) => !stored.cassandra.has(id));
  const source = await consumeAll(kafka, topic, Number(await topicSize(kafka, topic)));
  const failures = await consumeAll(kafka, failureTopic, await topicSize(kafka, failureTopic));
  const lines = [`${missing.length} accepted events missing from created_users:`];
  for (const id of missing) {
    const index = ids.indexOf(id);
    const phase =
      index < marks.atKill
        ? 'before the kill'
        : index < marks.afterBack
          ? 'during the outage'
          : 'after the restart';
    const records = source.filter((m) => m.message.key?.toString() === id);
    const failed = failures.filter((m) => m.message.key?.toString() === id);
    // A diagnostic read of a few ids: filtering the day table is fine here, never in the pipeline.
    const day = await cassandra.execute(
      'SELECT id FROM pipeline.users_by_signup_day_bucketed WHERE id = ? ALLOW FILTERING',
      [id],
      { prepare: true },
    );
    const where = records.map((m) => `${m.partition}@${m.message.offset}`).join(',') || 'none';
    const inPostgres = stored.pg.get(id) === accepted.get(id) ? 'its event' : 'not its event';
    lines.push(
      `  #${index} ${id} (${phase}): source ${where}; failure-topic records ${failed.length}; ` +
        `day-table rows ${day.rows.length}; PostgreSQL ${inPostgres}`,
    );
  }
  return lines.join('\n');
}

describe('failure path under faults', () => {
  it('store outage: failed batches reach the failure topic, replay brings every 202 event into both stores once', async () => {
    const traffic = new Traffic(api, 200_000, 150);
    traffic.start(1);
    await waitFor('traffic before the outage', () => traffic.acceptedCount >= 30);
    log(`SIGKILL cassandra (pid ${killService('cassandra')}) after ${traffic.acceptedCount} accepted`);
    const atKill = traffic.acceptedCount;
    await waitFor(
      'failed batches on the failure topic',
      async () => (await topicSize(kafka, failureTopic)) > 0,
    );
    await waitFor('traffic during the outage', () => traffic.acceptedCount >= atKill + 20);
    await bringUp(
      createLocalServices(services).filter((s) => s.name === 'cassandra'),
      log,
    );
    const afterBack = traffic.acceptedCount;
    await waitFor('traffic after cassandra is back', () => traffic.acceptedCount >= afterBack + 20);
    await traffic.stop();
    await caughtUp();

    const failed = await topicSize(kafka, failureTopic);
    log(
      `accepted ${traffic.acceptedCount}; records on the failure topic: ${failed}; answers ${JSON.stringify([...traffic.statuses])}`,
    );
    expect(failed).toBeGreaterThan(0);
    const ids = [...traffic.accepted.keys()];
    const before = await storedEventIds(pool, cassandra, ids);
    expect(before.cassandra.size).toBeLessThan(ids.length); // the outage really lost writes until the replay

    const dry = await runReplayCli(['--dry-run'], replayEnv());
    expect(dry.replayed.count).toBe(failed);
    const first = await runReplayCli([], replayEnv());
    log(`replay: replayed ${first.replayed.count}, skipped ${first.skipped.count}`);
    expect(first.replayed.count).toBe(failed);
    expect(first.skipped.count).toBe(0);
    await caughtUp();
    let seen = '';
    await waitFor(
      () => `every accepted event in both stores (${seen})`,
      async () => {
        const stored = await storedEventIds(pool, cassandra, ids);
        seen = `postgres ${stored.pg.size}/${ids.length}, cassandra ${stored.cassandra.size}/${ids.length}`;
        return stored.pg.size === ids.length && stored.cassandra.size === ids.length;
      },
    ).catch(async (error) => {
      log(await missingReport(traffic.accepted, { atKill, afterBack }));
      throw error;
    });
    const stored = await storedEventIds(pool, cassandra, ids);
    for (const [userId, eventId] of traffic.accepted) {
      expect(stored.pg.get(userId)).toBe(eventId);
      expect(stored.cassandra.get(userId)).toBe(eventId);
    }
    const pgRows = await pool.query<{ n: string }>(
      'select count(*) as n from users where user_id = any($1::uuid[])',
      [ids],
    );
    expect(Number(pgRows.rows[0]?.n)).toBe(ids.length);
    const second = await runReplayCli([], replayEnv());
    log(`second replay: replayed ${second.replayed.count}`);
    expect(second.replayed.count).toBe(0);
    expect(await topicSize(kafka, failureTopic)).toBe(failed); // nothing new failed after the replay
  });

  it('poison record: bisection isolates the one record PostgreSQL refuses; the rest of its batch lands', async () => {
    const users = Array.from({ length: 60 }, (_, i) => userPayload(900_000 + i));
    const poison = users[23]?.id as string;
    await pool.query(`
      CREATE OR REPLACE FUNCTION refuse_poison_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.user_id = '${poison}'::uuid THEN RAISE EXCEPTION 'poison user % refused', NEW.user_id; END IF;
        RETURN NEW;
      END $$`);
    await pool.query(
      'CREATE TRIGGER refuse_poison_user BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse_poison_user()',
    );
    const failedBefore = await topicSize(kafka, failureTopic);
    const answers = await Promise.all(
      users.map((user) =>
        fetch(`${api}/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...faultApiHeaders },
          body: JSON.stringify(user),
        }).then((r) => r.status),
      ),
    );
    expect(answers.every((status) => status === 202)).toBe(true);
    await caughtUp();
    const failedAfter = await topicSize(kafka, failureTopic);
    log(`poison: failure topic grew by ${failedAfter - failedBefore}`);
    expect(failedAfter - failedBefore).toBe(1);
    const all = await consumeAll(kafka, failureTopic, failedAfter);
    const newest = all.filter((m) => m.message.key?.toString() === poison);
    expect(newest).toHaveLength(1);
    const document = parseFailedRecord(newest[0]?.message.value ?? '');
    expect(document.requestContext.condition).toBe('RetriesExhausted');
    expect(document.requestContext.approximateInvokeCount).toBe(RETRY_ATTEMPTS + 1);

    const others = users.map((u) => u.id as string).filter((id) => id !== poison);
    const stored = await storedEventIds(pool, cassandra, others);
    expect(stored.pg.size).toBe(others.length);
    expect(stored.cassandra.size).toBe(others.length);
    expect((await storedEventIds(pool, cassandra, [poison])).pg.size).toBe(0);

    // Once the cause is gone, the replay lands the poison record too.
    await pool.query('DROP TRIGGER refuse_poison_user ON users');
    const replay = await runReplayCli([], replayEnv());
    expect(replay.replayed.count).toBe(1);
    await caughtUp();
    await waitFor(
      'the replayed record in PostgreSQL',
      async () => (await storedEventIds(pool, cassandra, [poison])).pg.size === 1,
    );
  });
});
