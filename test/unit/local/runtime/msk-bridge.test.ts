import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  MAX_INVOCATION_PAYLOAD_BYTES,
  mskRecordJsonBytes,
  nextInvocationChunk,
} from '../../../../local/runtime/msk-bridge.js';
import { toMskEvent } from '../../../../local/runtime/msk-event.js';

function message(offset: number, valueBytes: number): KafkaMessage {
  return {
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from('é'.repeat(valueBytes / 2)),
    headers: { schema_version: Buffer.from('1'), trace_id: Buffer.from('abcdef0123456789') },
    offset: String(offset),
    timestamp: '1700000000000',
    attributes: 0,
  } as KafkaMessage;
}

describe('mskRecordJsonBytes', () => {
  it('is never below the size of the record in the JSON event Lambda would receive', () => {
    for (const size of [0, 2, 700, 5_000, 64_000]) {
      const m = message(123_456, size);
      const event = toMskEvent('users_created', 7, [m], {
        eventSourceArn: 'arn',
        bootstrapServers: 'b:9092',
      });
      const record = Object.values(event.records)[0]?.[0];
      expect(mskRecordJsonBytes(m)).toBeGreaterThanOrEqual(JSON.stringify(record).length);
    }
  });
});

describe('nextInvocationChunk', () => {
  it('takes up to the batch size when the records are small', () => {
    const messages = Array.from({ length: 250 }, (_, i) => message(i, 700));
    expect(nextInvocationChunk(messages, 0, 100)).toHaveLength(100);
    expect(nextInvocationChunk(messages, 200, 100)).toHaveLength(50);
  });

  it('stops below the 6 MB invocation payload, as the event source mapping does', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => message(i, 1_000));
    const chunk = nextInvocationChunk(messages, 0, 10_000);
    expect(chunk.length).toBeLessThan(10_000);
    expect(chunk.length).toBeGreaterThan(1_000);
    const bytes = chunk.reduce((sum, m) => sum + mskRecordJsonBytes(m), 0);
    expect(bytes).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(bytes + mskRecordJsonBytes(messages[chunk.length] as KafkaMessage)).toBeGreaterThan(
      MAX_INVOCATION_PAYLOAD_BYTES - 1_024,
    );
  });

  it('always takes at least one record, so a single large record is still delivered', () => {
    const huge = [message(0, 7 * 1024 * 1024)];
    expect(nextInvocationChunk(huge, 0, 100)).toHaveLength(1);
  });
});
