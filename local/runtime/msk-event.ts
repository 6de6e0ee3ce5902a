import type { MSKEvent, MSKRecord, MSKRecordHeader } from 'aws-lambda';
import type { IHeaders, KafkaMessage } from 'kafkajs';

export interface MskEventSource {
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
}

function headerEntries(headers: IHeaders | undefined): MSKRecordHeader[] {
  const entries: MSKRecordHeader[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    // Kafka allows a header name more than once; Lambda sends one { name: bytes } object per occurrence.
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined) continue;
      entries.push({ [name]: [...Buffer.from(value)] });
    }
  }
  return entries;
}

/** Builds the event Lambda's MSK event source mapping delivers for these messages of one partition. */
export function toMskEvent(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  source: MskEventSource,
): MSKEvent {
  const records = messages.map((message) => {
    const record: Partial<MSKRecord> & Omit<MSKRecord, 'key' | 'value'> = {
      topic,
      partition,
      offset: Number(message.offset),
      timestamp: Number(message.timestamp),
      timestampType: 'CREATE_TIME',
      headers: headerEntries(message.headers),
    };
    // Lambda leaves key/value out for null keys and tombstones.
    if (message.key !== null) record.key = message.key.toString('base64');
    if (message.value !== null) record.value = message.value.toString('base64');
    return record as MSKRecord;
  });
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: source.eventSourceArn,
    bootstrapServers: source.bootstrapServers,
    records: { [`${topic}-${partition}`]: records },
  };
}
