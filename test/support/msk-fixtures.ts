import type { MSKEvent, MSKRecord } from 'aws-lambda';

export interface FixtureRecord {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset: number;
  readonly key?: string | null;
  /** An object is JSON-encoded; a string or Buffer is sent as-is; null is a tombstone. */
  readonly value: unknown;
  readonly headers?: Record<string, string>;
  readonly timestamp?: number;
}

const toBytes = (value: unknown): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

/** An MSK event exactly as Lambda's event source mapping shapes it (base64 key/value, byte-array headers). */
export function mskEventOf(records: readonly FixtureRecord[]): MSKEvent {
  const grouped: Record<string, MSKRecord[]> = {};
  for (const r of records) {
    const topic = r.topic ?? 'users_created';
    const partition = r.partition ?? 0;
    const record: Record<string, unknown> = {
      topic,
      partition,
      offset: r.offset,
      timestamp: r.timestamp ?? 1_714_564_800_000,
      timestampType: 'CREATE_TIME',
      headers: Object.entries(r.headers ?? { schema_version: '1' }).map(([k, v]) => ({
        [k]: [...Buffer.from(v)],
      })),
    };
    if (r.key !== null && r.key !== undefined) record.key = Buffer.from(r.key).toString('base64');
    if (r.value !== null) record.value = toBytes(r.value).toString('base64');
    const group = `${topic}-${partition}`;
    grouped[group] ??= [];
    grouped[group].push(record as unknown as MSKRecord);
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:eu-west-1:123456789012:cluster/pipeline-dev/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f-2',
    bootstrapServers: 'b-1.pipeline.abc123.c2.kafka.eu-west-1.amazonaws.com:9098',
    records: grouped,
  };
}

/** Deep copy, so a test that mutates its event cannot leak into another. */
export const copyOf = <T>(value: T): T => structuredClone(value);
