import type pg from 'pg';
import type { MessageSender } from '../shared/kafka/producer.js';
import type {
  ReadDeadLetterRequest,
  ReadDeadLetterResponse,
  ReadUsersResponse,
  SendPoisonResponse,
  StoreReading,
} from './requests.js';
import type { StoreReader } from './store-readers.js';
import { poisonRecord } from './verify-run.js';

/** Which of the users each store holds; a store that cannot be read says why instead of failing the rest. */
export async function readUsers(
  readers: readonly StoreReader[],
  userIds: readonly string[],
): Promise<ReadUsersResponse> {
  const stores = await Promise.all(
    readers.map(async (reader): Promise<StoreReading> => {
      try {
        return { store: reader.name, found: await reader.findUsers(userIds) };
      } catch (error) {
        return { store: reader.name, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return { stores };
}

/** Produces the run's poison record to `topic` (acks from every in-sync replica) and says where it landed. */
export async function sendPoison(
  producer: MessageSender,
  topic: string,
  runId: string,
): Promise<SendPoisonResponse> {
  const [landed] = await producer.send({ topic, acks: -1, messages: [poisonRecord(runId)] });
  if (!landed) throw new Error(`Kafka acknowledged no partition for the poison record on ${topic}`);
  return { topic: landed.topicName, partition: landed.partition, offset: landed.baseOffset ?? '-1' };
}

/** The dead letter the processor wrote for one Kafka record, if any (read as the reader role). */
export async function readDeadLetter(
  pool: pg.Pool,
  where: ReadDeadLetterRequest,
): Promise<ReadDeadLetterResponse> {
  const result = await pool.query<{ reason: string; first_seen_at: Date; attempt_count: number }>(
    'select reason, first_seen_at, attempt_count from dead_letters ' +
      'where kafka_topic = $1 and kafka_partition = $2 and kafka_offset = $3',
    [where.topic, where.partition, where.offset],
  );
  const row = result.rows[0];
  if (!row) return { found: false };
  return {
    found: true,
    reason: row.reason,
    firstSeenAt: row.first_seen_at.toISOString(),
    attempts: row.attempt_count,
  };
}
