/**
 * CPU per record of the processor's in-memory work, split by stage, on MSK records shaped exactly as Lambda
 * delivers them (base64 key/value, headers as byte arrays). No services are needed.
 */
import type { MSKRecord } from 'aws-lambda';
import type { KafkaMessage } from 'kafkajs';
import { type DecodedKafkaRecord, decodeMskRecord, mskRecords } from '../../lambdas/processor/msk-records.js';
import { type AcceptedEvent, classifyRecord } from '../../lambdas/processor/process-batch.js';
import { cassandraUserWriter } from '../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import { longOf } from '../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { userColumns } from '../../lambdas/processor/sinks/postgres/postgres-sink.js';
import { microsOf, windowSafeWriteTime } from '../../lambdas/shared/clients/keyspaces-write-time.js';
import { MAX_EVENT_BYTES, parseUserCreatedEvent } from '../../lambdas/shared/contract/index.js';
import { decodeJsonDocument } from '../../lambdas/shared/contract/user-created-event.js';
import { stageSignupDayLayout } from '../../local/runtime/local-mapping.js';
import { toMskEvent } from '../../local/runtime/msk-event.js';
import { messageOf, userEvent, userPayload } from '../../test/support/user-events.js';
import { median } from '../harness/median.js';
import type { RecordCpu } from '../harness/results.js';

export interface RecordCpuOptions {
  /** Records per measured pass. @default 20000 */
  readonly records?: number;
}

const DEFAULT_RECORDS = 20_000;
/** Measured passes per stage; the median is reported so that one GC pause or scheduler hiccup does not decide. */
const PASSES = 5;
/** Records per processor invocation: intermediate results live for one batch; PostgreSQL columns are per batch. */
const BATCH_SIZE = 500;

function kafkaMessages(count: number): KafkaMessage[] {
  const start = Date.parse('2024-05-01T12:00:00.000Z');
  return Array.from({ length: count }, (_, i) => {
    const message = messageOf(userEvent(userPayload(i), new Date(start + i * 1000).toISOString()));
    // toMskEvent takes what kafkajs consumes (a record-batch entry): Buffers for key and value.
    const entry: KafkaMessage = {
      key: Buffer.from(message.key as string),
      value: Buffer.from(message.value as string),
      headers: message.headers ?? {},
      offset: String(i),
      timestamp: String(start + i * 1000),
      attributes: 0,
    };
    return entry;
  });
}

/** CPU (user + system) used by `work`, in microseconds, added to `totals[stage]`; returns what `work` returned. */
function timed<T, Stage extends string>(totals: Record<Stage, number>, stage: Stage, work: () => T): T {
  const started = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(started);
  totals[stage] += used.user + used.system;
  return result;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function mustAccept(result: ReturnType<typeof classifyRecord>, index: number): AcceptedEvent {
  if (!result.ok) {
    const { reason, issues } = result.deadLetter;
    throw new Error(`bench record ${index} was dead-lettered (${reason}): ${JSON.stringify(issues)}`);
  }
  if (result.accepted.event.event_type !== 'user.created')
    throw new Error(
      `bench record ${index} is a ${result.accepted.event.event_type} event, not a user.created`,
    );
  return result.accepted as AcceptedEvent;
}

/** The Cassandra rows of the prod stage's layout (its bucket count; the same cost for any count). */
const cassandraUserWrite = cassandraUserWriter(stageSignupDayLayout('prod'));

/**
 * What the stores build for a batch: PostgreSQL column arrays, both Cassandra rows (with the user's bucket)
 * and the write time (as CassandraSink does). Returned so that nothing can be optimised away.
 */
function storeRows(batch: readonly AcceptedEvent[]): unknown[] {
  const rows: unknown[] = [userColumns(batch)];
  const now = microsOf(Date.now());
  for (const user of batch) rows.push(cassandraUserWrite(user, longOf(windowSafeWriteTime(now, []))));
  return rows;
}

type Stage = keyof RecordCpu['microsPerRecord'];
const STAGES: readonly Stage[] = ['decode', 'parse', 'validate', 'transform', 'total'];

/**
 * One pass over all records, one batch at a time (so, as in the processor, one batch of intermediate results
 * is alive at once). Each stage is timed on its own over the batch, then the batch runs again with every stage
 * in one loop, as processMskEvent does. Returns CPU microseconds per stage for the whole pass.
 */
function measurePass(records: readonly MSKRecord[]): Record<Stage, number> {
  const totals: Record<Stage, number> = { decode: 0, parse: 0, validate: 0, transform: 0, total: 0 };
  for (let start = 0; start < records.length; start += BATCH_SIZE) {
    const batch = records.slice(start, start + BATCH_SIZE);
    const decoded = timed(totals, 'decode', () => batch.map(decodeMskRecord));
    const documents = timed(totals, 'parse', () =>
      decoded.map((record) => decodeJsonDocument(record.value as Buffer, MAX_EVENT_BYTES)),
    );
    const events = timed(totals, 'validate', () =>
      documents.map((document) => (document.ok ? parseUserCreatedEvent(document.value) : document)),
    );
    const accepted = events.map((result, i) => {
      if (!result.ok)
        throw new Error(`bench record ${start + i} is invalid: ${JSON.stringify(result.issues)}`);
      // What classifyRecord returns for a valid record.
      return { event: result.event, source: decoded[i] as DecodedKafkaRecord };
    });
    timed(totals, 'transform', () => storeRows(accepted));
    timed(totals, 'total', () => {
      const users = batch.map((record, i) => mustAccept(classifyRecord(decodeMskRecord(record)), start + i));
      return storeRows(users);
    });
  }
  return totals;
}

export function measureRecordCpu(options: RecordCpuOptions = {}): RecordCpu {
  const count = options.records ?? DEFAULT_RECORDS;
  if (!Number.isInteger(count) || count < 1) throw new RangeError('records must be a positive integer');
  const event = toMskEvent('users_created', 0, kafkaMessages(count), {
    eventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/bench/0',
    bootstrapServers: 'b-1.bench.kafka.eu-west-1.amazonaws.com:9098',
  });
  const records = mskRecords(event);

  measurePass(records); // warm-up: the measured passes run optimised code
  const passes = Array.from({ length: PASSES }, () => measurePass(records));
  const microsPerRecord = Object.fromEntries(
    STAGES.map((stage) => [stage, round2(median(passes.map((pass) => pass[stage])) / count)]),
  ) as Record<Stage, number>;
  return { records: count, microsPerRecord };
}
