import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  InvalidVerificationRequestError,
  MAX_USER_IDS,
  parseVerificationRequest,
} from '../../../../lambdas/verification/requests.js';
import type { StoreReader } from '../../../../lambdas/verification/store-readers.js';
import { readUsers, sendPoison } from '../../../../lambdas/verification/verification.js';

const ID = '0a1b2c3d-7e57-4000-8000-000000000000';

describe('verification requests', () => {
  it('accepts the three actions', () => {
    expect(parseVerificationRequest({ action: 'read-users', userIds: [ID] })).toEqual({
      action: 'read-users',
      userIds: [ID],
    });
    expect(parseVerificationRequest({ action: 'send-poison', runId: '0a1b2c3d' }).action).toBe('send-poison');
    expect(
      parseVerificationRequest({
        action: 'read-dead-letter',
        topic: 'users_created',
        partition: 2,
        offset: '41',
      }),
    ).toMatchObject({ partition: 2, offset: '41' });
  });

  it.each([
    [{ action: 'delete-users', userIds: [ID] }, 'action'],
    [{ action: 'read-users', userIds: ['not-a-uuid'] }, 'userIds.0'],
    [{ action: 'read-users', userIds: Array.from({ length: MAX_USER_IDS + 1 }, () => ID) }, 'userIds'],
    [{ action: 'read-users', userIds: [ID], sql: 'drop table users' }, '(request)'],
    [{ action: 'send-poison', runId: 'RUN' }, 'runId'],
    [{ action: 'read-dead-letter', topic: 'users_created', partition: -1, offset: '1' }, 'partition'],
    [null, '(request)'],
  ])('refuses %j, naming %s', (event, path) => {
    expect(() => parseVerificationRequest(event)).toThrow(InvalidVerificationRequestError);
    expect(() => parseVerificationRequest(event)).toThrow(new RegExp(`^${path.replace(/[().]/g, '\\$&')}: `));
  });
});

describe('readUsers', () => {
  it('reports each store, and the store it could not read with its error', async () => {
    const readers: StoreReader[] = [
      { name: 'postgres', findUsers: async (ids) => [...ids] },
      {
        name: 'cassandra',
        findUsers: async () => {
          throw new Error('All host(s) tried for query failed');
        },
      },
    ];
    expect(await readUsers(readers, [ID])).toEqual({
      stores: [
        { store: 'postgres', found: [ID] },
        { store: 'cassandra', error: 'All host(s) tried for query failed' },
      ],
    });
  });
});

describe('sendPoison', () => {
  it('produces one record with acks from all in-sync replicas and returns where it landed', async () => {
    const sent: ProducerRecord[] = [];
    const producer = {
      send: async (record: ProducerRecord): Promise<RecordMetadata[]> => {
        sent.push(record);
        return [{ topicName: record.topic, partition: 4, errorCode: 0, baseOffset: '17' }];
      },
    };
    expect(await sendPoison(producer, 'users_created', '0a1b2c3d')).toEqual({
      topic: 'users_created',
      partition: 4,
      offset: '17',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.acks).toBe(-1);
    expect(sent[0]?.messages.map((m) => m.key)).toEqual(['verify-0a1b2c3d-poison']);
  });
});
