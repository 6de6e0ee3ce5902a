import type { MSKEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeMskRecord, mskRecords } from '../../../../lambdas/processor/msk-records.js';
import { copyOf } from '../../../support/msk-fixtures.js';

// Shaped like the example event in the Lambda developer guide ("Using Lambda with Amazon MSK").
const AWS_SAMPLE: MSKEvent = {
  eventSource: 'aws:kafka',
  eventSourceArn:
    'arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
  bootstrapServers: 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
  records: {
    'users_created-1': [
      {
        topic: 'users_created',
        partition: 1,
        offset: 16,
        timestamp: 1545084650988,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('user-b').toString('base64'),
        value: Buffer.from('{"n":2}').toString('base64'),
        headers: [],
      },
    ],
    'users_created-0': [
      {
        topic: 'users_created',
        partition: 0,
        offset: 15,
        timestamp: 1545084650987,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('user-a').toString('base64'),
        value: Buffer.from('{"n":1}').toString('base64'),
        headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
      },
      {
        topic: 'users_created',
        partition: 0,
        offset: 14,
        timestamp: 1545084650986,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('user-a').toString('base64'),
        value: Buffer.from('{"n":0}').toString('base64'),
        headers: [],
      },
    ],
  },
};

describe('MSK event decoding', () => {
  it('flattens every topic-partition group and orders each partition by offset', () => {
    const records = mskRecords(copyOf(AWS_SAMPLE));
    expect(records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['1:16', '0:14', '0:15']);
  });

  it('decodes base64 key and value and byte-array headers', () => {
    const record = decodeMskRecord(mskRecords(copyOf(AWS_SAMPLE))[2] as never);
    expect(record).toMatchObject({
      topic: 'users_created',
      partition: 0,
      offset: 15,
      timestamp: 1545084650987,
    });
    expect(record.key).toBe('user-a');
    expect(record.value?.toString()).toBe('{"n":1}');
    expect(record.headers).toEqual({ headerKey: 'headerValue' });
  });

  it('decodes multi-byte UTF-8 header values, including bytes sent as signed Java bytes', () => {
    const event = copyOf(AWS_SAMPLE);
    const bytes = [...Buffer.from('Zoë→')];
    const signed = bytes.map((b) => (b > 127 ? b - 256 : b));
    const first = event.records['users_created-1']?.[0];
    if (!first) throw new Error('fixture changed');
    first.headers = [{ trace_id: bytes }, { name: signed }];
    const record = decodeMskRecord(first);
    expect(record.headers).toEqual({ trace_id: 'Zoë→', name: 'Zoë→' });
  });

  it('treats an absent key and an absent value (tombstone) as null', () => {
    const event = copyOf(AWS_SAMPLE);
    const first = event.records['users_created-1']?.[0] as unknown as Record<string, unknown>;
    delete first.key;
    delete first.value;
    const record = decodeMskRecord(first as never);
    expect(record.key).toBeNull();
    expect(record.value).toBeNull();
  });

  it('accepts an event with no records', () => {
    expect(mskRecords({ ...copyOf(AWS_SAMPLE), records: {} })).toEqual([]);
  });
});
