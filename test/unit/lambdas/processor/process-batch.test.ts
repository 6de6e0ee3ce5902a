import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../../lambdas/processor/dead-letter.js';
import {
  type AcceptedDeletion,
  type AcceptedEvent,
  latestPerUser,
  type ProcessorDependencies,
  processMskEvent,
  SinkWriteError,
} from '../../../../lambdas/processor/process-batch.js';
import { silentLogger } from '../../../../lambdas/shared/logger.js';
import { mskEventOf } from '../../../support/msk-fixtures.js';
import { sampleDeletion, sampleEvent } from '../shared/contract/fixtures.js';

const USER_A = '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f';
const USER_B = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A user.deleted event of USER_A as a producer writes it. */
function deletionEvent(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return sampleDeletion(overrides, { id: USER_A, ...payload });
}

function recordingStores(failures: { postgres?: Error; cassandra?: Error } = {}) {
  const written = {
    postgres: [] as AcceptedEvent[][],
    deadLetters: [] as DeadLetter[][],
    cassandra: [] as AcceptedEvent[][],
    /** Each sink's delete calls, in order, with which sink made them. */
    deleted: [] as Array<{ sink: string; deletions: AcceptedDeletion[] }>,
    /** Every call, in order: `<sink>.write` / `<sink>.delete`. */
    calls: [] as string[],
  };
  const deletes = (sink: string) => async (deletions: readonly AcceptedDeletion[]) => {
    written.calls.push(`${sink}.delete`);
    written.deleted.push({ sink, deletions: [...deletions] });
  };
  const deps: ProcessorDependencies = {
    sinks: [
      {
        name: 'postgres',
        write: async ({ users, deadLetters }) => {
          written.calls.push('postgres.write');
          if (failures.postgres) throw failures.postgres;
          written.postgres.push([...users]);
          written.deadLetters.push([...deadLetters]);
        },
        delete: deletes('postgres'),
      },
      {
        name: 'cassandra',
        write: async ({ users }) => {
          written.calls.push('cassandra.write');
          if (failures.cassandra) throw failures.cassandra;
          if (users.length > 0) written.cassandra.push([...users]);
        },
        delete: deletes('cassandra'),
      },
    ],
    logger: silentLogger,
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
      { offset: 3, key: USER_B, value: sampleEvent({ schema_version: 3 }, { id: USER_B }) },
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

  it('hands a batch with only dead letters to every sink; the ones without dead-letter storage write nothing', async () => {
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
    'throws SinkWriteError naming the failed sink (%s) so Lambda retries the batch',
    async (_, failures, failed) => {
      const { deps } = recordingStores(failures);
      const attempt = processMskEvent(mskEventOf([{ offset: 0, key: USER_A, value: sampleEvent() }]), deps);
      await expect(attempt).rejects.toBeInstanceOf(SinkWriteError);
      await expect(attempt).rejects.toMatchObject({ failedSinks: failed });
    },
  );

  it('writes to every sink of the list, reports each write time and the end-to-end latency per user', async () => {
    const { deps, written } = recordingStores();
    const third: AcceptedEvent[][] = [];
    const sinks = [
      ...deps.sinks,
      {
        name: 'search',
        write: async (b: { users: readonly AcceptedEvent[] }) => void third.push([...b.users]),
        delete: async () => {},
      },
    ];
    const ingestedAt = Date.parse('2024-05-01T12:00:01.250Z');
    const outcome = await processMskEvent(mskEventOf([{ offset: 0, key: USER_A, value: sampleEvent() }]), {
      ...deps,
      sinks,
      now: () => ingestedAt + 750,
    });
    expect(third).toHaveLength(1);
    expect(written.postgres).toHaveLength(1);
    expect(Object.keys(outcome.sinkWriteMs)).toEqual(['postgres', 'cassandra', 'search']);
    expect(outcome.endToEndMs).toEqual([750]);
  });

  it('accepts v1 and v2 events; an older build (supported versions [1]) dead-letters v2 as unsupported', async () => {
    const v1 = sampleEvent();
    const v2 = sampleEvent({ schema_version: 2 }, { id: USER_B, nationality: 'FR' });
    const records = [
      { offset: 0, key: USER_A, value: v1 },
      { offset: 1, key: USER_B, value: v2 },
    ];
    const current = recordingStores();
    await processMskEvent(mskEventOf(records), current.deps);
    expect(current.written.postgres[0]?.map((u) => u.event.payload.nationality)).toEqual([undefined, 'FR']);

    const old = recordingStores();
    await processMskEvent(mskEventOf(records), { ...old.deps, supportedSchemaVersions: [1] });
    expect(old.written.postgres[0]?.map((u) => u.event.payload.id)).toEqual([USER_A]);
    expect(old.written.deadLetters[0]?.map((d) => d.reason)).toEqual(['unsupported_schema_version']);
  });

  it("hands user.deleted events to every sink's delete, after its writes, and counts them", async () => {
    const { deps, written } = recordingStores();
    const deletion = deletionEvent({}, { id: USER_B });
    const outcome = await processMskEvent(
      mskEventOf([
        { offset: 0, key: USER_A, value: sampleEvent() },
        { offset: 1, key: USER_B, value: deletion },
      ]),
      deps,
    );
    expect(outcome).toMatchObject({ received: 2, valid: 2, invalid: 0, deletions: 1, superseded: 0 });
    expect(written.postgres[0]?.map((u) => u.event.payload.id)).toEqual([USER_A]);
    expect(written.deleted.map((d) => [d.sink, d.deletions.map((x) => x.event.event_id)])).toEqual([
      ['postgres', [deletion.event_id]],
      ['cassandra', [deletion.event_id]],
    ]);
    // Within a sink the creates go first; both are newest-wins, so the order changes no result.
    expect(written.calls.indexOf('postgres.write')).toBeLessThan(written.calls.indexOf('postgres.delete'));
    expect(written.calls.indexOf('cassandra.write')).toBeLessThan(written.calls.indexOf('cassandra.delete'));
  });

  it('does not call delete for a batch without deletions', async () => {
    const { deps, written } = recordingStores();
    await processMskEvent(mskEventOf([{ offset: 0, key: USER_A, value: sampleEvent() }]), deps);
    expect(written.calls).toEqual(['postgres.write', 'cassandra.write']);
  });

  it('collapses deletions per user to the newest, separately from the creates of the same user', async () => {
    const { deps, written } = recordingStores();
    const older = deletionEvent({ event_id: '11111111-1111-4111-8111-111111111111' });
    const newer = deletionEvent({
      event_id: '22222222-2222-4222-8222-222222222222',
      occurred_at: '2024-05-03T12:00:00.000Z',
    });
    const create = sampleEvent({ occurred_at: '2024-05-04T12:00:00.000Z' });
    const outcome = await processMskEvent(
      mskEventOf([
        { offset: 0, key: USER_A, value: newer },
        { offset: 1, key: USER_A, value: older },
        { offset: 2, key: USER_A, value: create },
      ]),
      deps,
    );
    expect(outcome.superseded).toBe(1);
    expect(written.deleted[0]?.deletions.map((d) => d.event.event_id)).toEqual([newer.event_id]);
    expect(written.postgres[0]?.map((u) => u.event.event_id)).toEqual([create.event_id]);
  });

  it('dead-letters an unknown event_type as unsupported_event_type, and a bad deletion as schema_violation', async () => {
    const { deps, written } = recordingStores();
    await processMskEvent(
      mskEventOf([
        { offset: 0, key: USER_A, value: sampleEvent({ event_type: 'user.updated' }) },
        { offset: 1, key: USER_A, value: deletionEvent({}, { reason: 'because I said so' }) },
        { offset: 2, key: USER_B, value: deletionEvent() },
      ]),
      deps,
    );
    expect(written.deadLetters[0]?.map((d) => [d.reason, d.issues[0]?.path])).toEqual([
      ['unsupported_event_type', 'event_type'],
      ['schema_violation', 'payload.reason'],
      ['key_mismatch', 'payload.id'],
    ]);
    // The message never echoes the input.
    expect(JSON.stringify(written.deadLetters[0])).not.toContain('because I said so"');
    expect(written.deleted).toHaveLength(0);
  });

  it('an older build that knows only user.created dead-letters user.deleted for replay after the upgrade', async () => {
    const { deps, written } = recordingStores();
    await processMskEvent(mskEventOf([{ offset: 0, key: USER_A, value: deletionEvent() }]), {
      ...deps,
      supportedEventTypes: ['user.created'],
    });
    expect(written.deadLetters[0]?.map((d) => d.reason)).toEqual(['unsupported_event_type']);
    expect(written.deleted).toHaveLength(0);
  });
});

describe('latestPerUser', () => {
  const at = (occurred_at: string, event_id: string, id = USER_A) =>
    ({
      event: { ...sampleEvent({ occurred_at, event_id }, { id }) },
      source: { topic: 't', partition: 0, offset: 0, timestamp: 0 },
    }) as unknown as AcceptedEvent;

  it('orders by occurred_at to the microsecond, then by event_id, whatever the arrival order', () => {
    const a = at('2024-05-01T12:00:00.000100Z', 'ffffffff-ffff-4fff-8fff-ffffffffffff');
    const b = at('2024-05-01T12:00:00.000200Z', '00000000-0000-4000-8000-000000000001');
    expect(latestPerUser([a, b])).toEqual([b]);
    expect(latestPerUser([b, a])).toEqual([b]);
    const low = at('2024-05-01T12:00:00Z', '11111111-1111-4111-8111-111111111111');
    const high = at('2024-05-01T12:00:00.000+00:00', 'AAAAAAAA-1111-4111-8111-111111111111');
    expect(latestPerUser([low, high])).toEqual([high]);
    expect(latestPerUser([high, low])).toEqual([high]);
  });

  it('treats ids of either letter case as one user', () => {
    const lower = at('2024-05-01T12:00:00Z', '11111111-1111-4111-8111-111111111111', USER_A);
    const upper = at('2024-05-02T12:00:00Z', '22222222-1111-4111-8111-111111111111', USER_A.toUpperCase());
    expect(latestPerUser([lower, upper])).toEqual([upper]);
  });
});
