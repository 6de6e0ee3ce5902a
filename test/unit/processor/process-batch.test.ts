import { describe, expect, it } from 'vitest';
import {
  type AcceptedEvent,
  type ProcessorDependencies,
  processMskEvent,
  StoreWriteError,
} from '../../../lambdas/processor/process-batch.js';
import type { DeadLetter } from '../../../lambdas/processor/stores/dead-letter.js';
import { mskEventOf } from '../../support/msk-fixtures.js';
import { sampleEvent } from '../contract/fixtures.js';

const USER_A = '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f';
const USER_B = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function recordingStores(failures: { postgres?: Error; cassandra?: Error } = {}) {
  const written = {
    postgres: [] as AcceptedEvent[][],
    deadLetters: [] as DeadLetter[][],
    cassandra: [] as AcceptedEvent[][],
  };
  const deps: ProcessorDependencies = {
    postgres: {
      write: async ({ users, deadLetters }) => {
        if (failures.postgres) throw failures.postgres;
        written.postgres.push([...users]);
        written.deadLetters.push([...deadLetters]);
      },
    },
    cassandra: {
      write: async (users) => {
        if (failures.cassandra) throw failures.cassandra;
        written.cassandra.push([...users]);
      },
    },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    now: () => 1_714_564_805_000,
  };
  return { deps, written };
}

describe('processMskEvent', () => {
  it('writes valid events to both stores and dead-letters each bad record with a precise reason', async () => {
    const { deps, written } = recordingStores();
    const event = mskEventOf([
      { offset: 0, key: USER_A, value: sampleEvent() },
      { offset: 1, key: 'x', value: '{not json' },
      { offset: 2, key: USER_B, value: sampleEvent({}, { id: USER_B, email: 'not-an-email' }) },
      { offset: 3, key: USER_B, value: sampleEvent({ schema_version: 2 }, { id: USER_B }) },
      { offset: 4, key: USER_B, value: null },
      { offset: 5, key: USER_A, value: sampleEvent({}, { id: USER_B }) },
      { offset: 6, key: USER_B, value: 'x'.repeat(70 * 1024) },
    ]);
    const outcome = await processMskEvent(event, deps);

    expect(outcome).toMatchObject({
      received: 7,
      valid: 1,
      invalid: 6,
      superseded: 0,
      oldestRecordAgeMs: 5_000,
    });
    expect(written.postgres[0]?.map((u) => u.event.payload.id)).toEqual([USER_A]);
    expect(written.cassandra[0]?.map((u) => u.event.payload.id)).toEqual([USER_A]);
    const reasons = written.deadLetters[0]?.map((d) => [d.record.offset, d.reason, d.issues[0]?.path]);
    expect(reasons).toEqual([
      [1, 'invalid_json', expect.any(String)],
      [2, 'schema_violation', 'payload.email'],
      [3, 'unsupported_schema_version', 'schema_version'],
      [4, 'empty_value', ''],
      [5, 'key_mismatch', 'payload.id'],
      [6, 'oversize', expect.any(String)],
    ]);
    // The raw bytes are kept for replay.
    expect(written.deadLetters[0]?.[0]?.record.value?.toString()).toBe('{not json');
  });

  it('keeps only the newest event per user within a batch, across partitions', async () => {
    const { deps, written } = recordingStores();
    const older = sampleEvent({
      event_id: '11111111-1111-4111-8111-111111111111',
      occurred_at: '2024-05-01T12:00:00Z',
    });
    const newer = sampleEvent({
      event_id: '22222222-2222-4222-8222-222222222222',
      occurred_at: '2024-05-02T12:00:00Z',
    });
    const event = mskEventOf([
      { offset: 7, key: USER_A, value: newer },
      { offset: 9, key: USER_A, value: older, partition: 1 },
    ]);
    const outcome = await processMskEvent(event, deps);
    expect(outcome.superseded).toBe(1);
    expect(written.postgres[0]?.map((u) => u.event.event_id)).toEqual([newer.event_id]);
  });

  it('accepts a record without a key (the payload id then decides)', async () => {
    const { deps, written } = recordingStores();
    await processMskEvent(mskEventOf([{ offset: 0, key: null, value: sampleEvent() }]), deps);
    expect(written.cassandra[0]).toHaveLength(1);
  });

  it('does not call Cassandra for a batch with only dead letters, but still records them', async () => {
    const { deps, written } = recordingStores();
    await processMskEvent(mskEventOf([{ offset: 0, value: '[]' }]), deps);
    expect(written.cassandra).toHaveLength(0);
    expect(written.deadLetters[0]?.[0]?.reason).toBe('schema_violation');
  });

  it.each([
    ['postgres', { postgres: new Error('connection refused') }, ['postgres']],
    ['cassandra', { cassandra: new Error('NoHostAvailable') }, ['cassandra']],
    ['both', { postgres: new Error('a'), cassandra: new Error('b') }, ['postgres', 'cassandra']],
  ])(
    'throws StoreWriteError naming the failed store (%s) so Lambda retries the batch',
    async (_, failures, failed) => {
      const { deps } = recordingStores(failures);
      const attempt = processMskEvent(mskEventOf([{ offset: 0, key: USER_A, value: sampleEvent() }]), deps);
      await expect(attempt).rejects.toBeInstanceOf(StoreWriteError);
      await expect(attempt).rejects.toMatchObject({ failedStores: failed });
    },
  );
});
