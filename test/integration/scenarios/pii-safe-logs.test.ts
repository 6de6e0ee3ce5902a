import { randomUUID } from 'node:crypto';
import type { Context, MSKEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/runtime/http-adapter.js';
import { adminPostgresPool, uniqueName } from '../../support/local-services.js';
import { mskEventOf } from '../../support/msk-fixtures.js';

// The pipeline carries email, phone and date of birth. Whatever goes wrong with a record, the Lambda logs
// (CloudWatch Logs in AWS) must not repeat them: dead-letter rows keep the raw bytes, logs do not.
// The real processor and ingest-http handlers run against the real local PostgreSQL, Cassandra and Kafka;
// everything they write to stdout/stderr is captured.

const PII = {
  email: `leak.${randomUUID().slice(0, 8)}@example.com`,
  phone: `+1-555-${String(Math.floor(Math.random() * 9000) + 1000)}`,
  dob: '1971-02-03T04:05:06.789Z',
} as const;

const topic = uniqueName('pii_logs');
const context = { awsRequestId: randomUUID(), functionName: 'pii-test' } as unknown as Context;

function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    first_name: 'Ada',
    last_name: 'Lovelace',
    gender: 'female',
    address: '1 Main Street, Springfield',
    post_code: 12345,
    email: PII.email,
    username: 'ada_l',
    dob: PII.dob,
    registered_date: '2020-01-01T00:00:00.000Z',
    phone: PII.phone,
    picture: 'https://randomuser.me/api/portraits/women/1.jpg',
    ...overrides,
  };
}

function event(p: Record<string, unknown>): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: 'user.created',
    schema_version: 1,
    source: 'ingest-http',
    occurred_at: '2024-05-01T12:00:00.000Z',
    ingested_at: '2024-05-01T12:00:01.000Z',
    payload: p,
  };
}

/** Everything written to stdout and stderr while `run` runs. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const tap =
    (write: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    };
  process.stdout.write = tap(original.out) as typeof process.stdout.write;
  process.stderr.write = tap(original.err) as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  return chunks.join('');
}

describe('PII never reaches the Lambda logs', () => {
  let api: HttpApi;
  let processor: (event: MSKEvent, context: Context) => Promise<unknown>;
  let closeClients: () => Promise<void> = async () => {};
  const admin = adminPostgresPool();

  beforeAll(async () => {
    process.env.KAFKA_TOPIC = topic;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG'; // the most verbose setting the functions can run with
    const http = await import('../../../lambdas/ingest-http/handler.js');
    const processorModule = await import('../../../lambdas/processor/handler.js');
    const processorClients = await import('../../../lambdas/processor/clients.js');
    const httpClients = await import('../../../lambdas/ingest-http/clients.js');
    processor = processorModule.handler;
    closeClients = async () => {
      await processorClients.closeProcessorClients();
      await httpClients.producer.disconnect();
    };
    api = await startHttpApi({ handler: http.handler, port: 0 });
  });

  afterAll(async () => {
    await api?.close();
    await closeClients();
    await admin.query('DELETE FROM dead_letters WHERE kafka_topic = $1', [topic]);
    await admin.end();
  });

  it('logs a poison batch and bad HTTP bodies without the email, phone or date of birth', async () => {
    const truncated = JSON.stringify(event(payload())).slice(0, -20); // invalid JSON that still holds the PII
    const badEmail = event(payload({ email: `not-an-email ${PII.email}` }));
    const badPhone = event(payload({ phone: { nested: PII.phone } }));
    const logs = await captureOutput(async () => {
      await processor(
        mskEventOf([
          { topic, offset: 1, key: 'k1', value: truncated },
          { topic, offset: 2, key: String((badEmail.payload as { id: string }).id), value: badEmail },
          { topic, offset: 3, key: 'mismatch', value: badPhone },
        ]),
        context,
      );
      const post = (body: string) =>
        fetch(`${api.url}/v1/users`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
      expect((await post(JSON.stringify(payload()).slice(0, -5))).status).toBe(400);
      expect((await post(JSON.stringify(payload({ email: `bad ${PII.email}`, dob: 'x' })))).status).toBe(400);
    });

    // The handlers did log these failures (so the capture works), ...
    expect(logs).toContain('record dead-lettered');
    expect(logs).toContain('request rejected');
    // ... but none of the personal data.
    for (const [field, value] of Object.entries(PII)) expect(logs, field).not.toContain(value);
    expect(logs).not.toContain(PII.email.split('@')[0]);

    // The dead letters keep the raw bytes for replay.
    const { rows } = await admin.query(
      'SELECT kafka_offset, raw_value FROM dead_letters WHERE kafka_topic = $1 ORDER BY kafka_offset',
      [topic],
    );
    expect(rows.map((row) => Number(row.kafka_offset))).toEqual([1, 2, 3]);
    expect((rows[0].raw_value as Buffer).toString('utf8')).toBe(truncated);
    expect((rows[1].raw_value as Buffer).toString('utf8')).toContain(PII.email);
  });
});
