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

/** Longest header value turned into a string in one String.fromCharCode call (engines cap argument counts). */
const MAX_FAST_HEADER_BYTES = 1024;

/**
 * A header value sent as bytes; Java clients may send them signed (-128..127). Values are nearly always ASCII
 * (ids, versions, type names) and ASCII bytes are their own UTF-8 decoding, so those skip the Buffer round trip.
 */
function headerValue(bytes: readonly number[]): string {
  let ascii = bytes.length <= MAX_FAST_HEADER_BYTES;
  for (let i = 0; ascii && i < bytes.length; i++) {
    const b = bytes[i] as number;
    // Equal only for an integer 0..127 (a hole, a string or a fraction falls through to the general path).
    ascii = (b & 0x7f) === b;
  }
  if (ascii) return String.fromCharCode.apply(null, bytes as number[]);
  return Buffer.from(bytes.map((b) => b & 0xff)).toString('utf8');
}

/** Lambda sends key and value base64-encoded and each header as { name: [byte, ...] }. */
export function decodeMskRecord(record: MSKRecord): DecodedKafkaRecord {
  const headers: Record<string, string> = {};
  for (const header of record.headers ?? []) {
    for (const name of Object.keys(header)) headers[name] = headerValue(header[name] as number[]);
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
