// Tests lambdas/shared/kafka/failed-record.ts; also lambdas/replay-failed-batches/params.ts, local/runtime/local-mapping.ts and the stage config's failure handling.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  InvalidStageConfigError,
  loadStageConfig,
  resolveStageConfig,
} from '../../../../../bin/config/index.js';
import { parseReplayParams, ReplayParamError } from '../../../../../lambdas/replay-failed-batches/params.js';
import { decide } from '../../../../../lambdas/replay-failed-batches/replay.js';
import {
  FailedRecordFormatError,
  parseFailedRecord,
  toFailedRecord,
  toReplayMessage,
} from '../../../../../lambdas/shared/kafka/failed-record.js';
import { LOCAL_MAPPING_STAGE, localMappingSettings } from '../../../../../local/runtime/local-mapping.js';
import { toMskEvent } from '../../../../../local/runtime/msk-event.js';

const message = {
  key: Buffer.from('user-1'),
  value: Buffer.from('{"event_id":"e-1"}'),
  offset: '41',
  timestamp: '1764230400000',
  attributes: 0,
  headers: { schema_version: Buffer.from('1') },
};
const source = {
  eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/local/x',
  bootstrapServers: 'b:9092',
};
const at = new Date('2026-11-27T10:00:00.000Z');

function failedDocument() {
  return toFailedRecord(toMskEvent('users_created', 2, [message], source), {
    condition: 'RetriesExhausted',
    invokeCount: 11,
    functionArn: 'arn:aws:lambda:local:000000000000:function:processor:$LATEST',
    requestId: 'req-1',
    functionError: 'Unhandled',
    at,
  });
}

describe('failed-record document (the KafkaDlq format)', () => {
  it('carries the failure metadata and exactly the failed record, as the Lambda guide documents', () => {
    const document = failedDocument();
    expect(document).toMatchObject({
      requestContext: { requestId: 'req-1', condition: 'RetriesExhausted', approximateInvokeCount: 11 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-11-27T10:00:00.000Z',
      KafkaBatchInfo: {
        batchSize: 1,
        eventSourceArn: source.eventSourceArn,
        bootstrapServers: 'b:9092',
        recordInfo: { offset: '41', timestamp: '2025-11-27T08:00:00.000Z' },
      },
      payload: { eventSource: 'aws:kafka', records: { 'users_created-2': [{ offset: 41, partition: 2 }] } },
    });
    expect(document.KafkaBatchInfo.payloadSize).toBeGreaterThan(100);
    expect(parseFailedRecord(JSON.stringify(document))).toEqual(document);
  });

  it('gives back the original key, value and headers for a replay', () => {
    const replay = toReplayMessage(failedDocument());
    expect(replay.key?.toString()).toBe('user-1');
    expect(replay.value?.toString()).toBe('{"event_id":"e-1"}');
    expect(replay.headers.schema_version?.toString()).toBe('1');
  });

  it('rejects messages that are not failed-record documents', () => {
    expect(() => parseFailedRecord('nope')).toThrow(FailedRecordFormatError);
    expect(() => parseFailedRecord(JSON.stringify({ version: '1.0' }))).toThrow(FailedRecordFormatError);
  });
});

describe('replay decisions and parameters', () => {
  const failureMessage = { ...message, value: Buffer.from(JSON.stringify(failedDocument())) };

  it('replays a failed record, and skips one that failed before --since or is not a document', () => {
    expect(decide(0, failureMessage, { dryRun: false }).kind).toBe('replay');
    const late = decide(0, failureMessage, { dryRun: false, since: new Date('2026-11-27T11:00:00Z') });
    expect(late).toMatchObject({ kind: 'skip', item: { reason: 'failed before --since' } });
    expect(decide(0, { ...message, value: Buffer.from('x') }, { dryRun: false }).kind).toBe('skip');
  });

  it('parses CLI strings and DAG values alike, and names the bad field', () => {
    expect(
      parseReplayParams({ dryRun: true, partition: '3', limit: 10, since: '2026-11-27T10:00:00Z' }),
    ).toEqual({
      dryRun: true,
      partition: 3,
      limit: 10,
      since: new Date('2026-11-27T10:00:00Z'),
    });
    expect(parseReplayParams({ since: '2h' }).since?.getTime()).toBeLessThan(Date.now() - 7_100_000);
    for (const [raw, field] of [
      [{ limit: '0' }, 'limit'],
      [{ partition: '-1' }, 'partition'],
      [{ since: 'yesterday' }, 'since'],
      [{ dryRun: 'maybe' }, 'dryRun'],
    ] as const) {
      expect(() => parseReplayParams(raw)).toThrow(ReplayParamError);
      try {
        parseReplayParams(raw);
      } catch (error) {
        expect((error as ReplayParamError).field).toBe(field);
      }
    }
  });
});

describe('local event source mapping settings', () => {
  it('default to the stage config (one source for CDK and the local bridge)', () => {
    const processor = loadStageConfig(LOCAL_MAPPING_STAGE, {}).processor;
    const local = localMappingSettings();
    expect(local).toEqual({
      batchSize: processor.batchSize,
      batchWindowMs: processor.maxBatchingWindowSeconds * 1_000,
      failure: {
        retryAttempts: processor.retryAttempts,
        bisectBatchOnError: processor.bisectBatchOnError,
        maxRecordAgeSeconds: processor.maxRecordAgeSeconds,
        failureTopic: processor.failureDestination.topicName,
      },
      failureTopicRetentionHours: processor.failureDestination.retentionHours,
    });
    expect(local.batchWindowMs).toBe(DEFAULT_SETTINGS.processor.maxBatchingWindowSeconds * 1_000);
  });

  it('take the command-line overrides', () => {
    const local = localMappingSettings({ retryAttempts: 1, maxRecordAgeSeconds: 60, batchSize: 7 });
    expect(local.failure.retryAttempts).toBe(1);
    expect(local.failure.maxRecordAgeSeconds).toBe(60);
    expect(local.batchSize).toBe(7);
  });
});

describe('stage config: failure handling', () => {
  const base = { stageName: 'dev' as const };
  it('rejects settings the event source mapping would refuse or that lose records', () => {
    for (const processor of [
      { retryAttempts: -1 },
      { retryAttempts: 10_001 },
      { maxRecordAgeSeconds: 59 },
      { maxRecordAgeSeconds: 72 * 3_600 }, // not below the default 72 h topic retention
      { failureDestination: { topicName: 'users_created', retentionHours: 720 } },
      { provisionedPollers: undefined },
    ]) {
      expect(() => resolveStageConfig({ ...base, processor }, {}), JSON.stringify(processor)).toThrow(
        InvalidStageConfigError,
      );
    }
  });

  it('lets LocalStack stages, which have no mapping, go without pollers', () => {
    expect(() =>
      resolveStageConfig(
        { stageName: 'local', target: 'localstack', processor: { provisionedPollers: undefined } },
        {},
      ),
    ).not.toThrow();
  });
});
