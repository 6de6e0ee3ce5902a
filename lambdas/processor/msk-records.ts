import type { MSKEvent, MSKRecord } from 'aws-lambda';

/** Where a record sits in Kafka; also the dead-letter dedupe key. */
export interface KafkaCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Record timestamp, epoch milliseconds. */
  readonly timestamp: number;
}

export interface DecodedKafkaRecord extends KafkaCoordinates {
  readonly key: string | null;
  /** Raw value bytes; null for a tombstone. */
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Every record of an MSK event in processing order. Lambda groups records under "topic-partition" keys;
 * offsets are sorted per partition so the newest write of a user is applied last.
 */
export function mskRecords(event: MSKEvent): MSKRecord[] {
  return Object.values(event.records ?? {}).flatMap((records) =>
    [...records].sort((a, b) => Number(a.offset) - Number(b.offset)),
  );
}

/** Lambda sends key and value base64-encoded and each header as { name: [byte, ...] }. */
export function decodeMskRecord(record: MSKRecord): DecodedKafkaRecord {
  const headers: Record<string, string> = {};
  for (const header of record.headers ?? []) {
    for (const [name, bytes] of Object.entries(header)) {
      headers[name] = Buffer.from(bytes.map((b) => b & 0xff)).toString('utf8');
    }
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: record.timestamp,
    key: record.key == null ? null : Buffer.from(record.key, 'base64').toString('utf8'),
    value: record.value == null ? null : Buffer.from(record.value, 'base64'),
    headers,
  };
}
