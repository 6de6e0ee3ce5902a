import type { Context, MSKEvent } from 'aws-lambda';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { localLambdaContext } from './lambda-context.js';
import { toMskEvent } from './msk-event.js';

export type MskHandler = (event: MSKEvent, context: Context) => Promise<unknown>;

export interface MskBridgeOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Consumer group; plays the part of the event source mapping's UUID. @default 'local-msk-bridge' */
  readonly groupId?: string;
  /** Most records per invocation, like the ESM's BatchSize. @default 100 */
  readonly batchSize?: number;
  /** How long the broker may wait to fill a batch, like MaximumBatchingWindowInSeconds. @default 500 */
  readonly batchWindowMs?: number;
  /** Start from the earliest offset when the group has none (ESM StartingPosition TRIM_HORIZON). @default true */
  readonly fromBeginning?: boolean;
  /**
   * Partitions processed at once. The ESM runs up to one invocation per partition concurrently, each partition
   * in order; here the invocations share this process. @default 100 (every partition of any topic used here)
   */
  readonly concurrentPartitions?: number;
  readonly functionName?: string;
  readonly handler: MskHandler;
  readonly log?: (message: string, detail?: object) => void;
  /** Called after each successful invocation with the number of records it carried. */
  readonly onInvoked?: (records: number, result: unknown) => void;
}

export interface MskBridgeStats {
  invocations: number;
  records: number;
  failedInvocations: number;
}

/**
 * Local stand-in for Lambda's MSK event source mapping: consumes with kafkajs and invokes the very
 * processor handler Lambda runs, with events shaped as Lambda shapes them. Offsets are committed only
 * after the handler returns; a throw retries the same batch with backoff, as the ESM does. No business logic.
 */
export class MskBridge {
  readonly stats: MskBridgeStats = { invocations: 0, records: 0, failedInvocations: 0 };
  private consumer: Consumer | undefined;
  /** Invocations under way, one per partition at most. */
  private readonly inFlight = new Set<Promise<boolean>>();
  private readonly batchSize: number;

  constructor(private readonly options: MskBridgeOptions) {
    this.batchSize = options.batchSize ?? 100;
  }

  async start(): Promise<void> {
    const { kafka, topic } = this.options;
    const windowMs = this.options.batchWindowMs ?? 500;
    const consumer = kafka.consumer({
      groupId: this.options.groupId ?? 'local-msk-bridge',
      maxWaitTimeInMs: Math.max(windowMs, 10),
      // With a window, ask the broker to hold the fetch until the window ends or ~a batch has arrived.
      minBytes: windowMs > 0 ? 512 * this.batchSize : 1,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
    });
    this.consumer = consumer;
    // kafkajs restarts the consumer itself after retriable failures; after any other crash it would stay
    // stopped, so the bridge starts a fresh consumer, as the ESM keeps polling whatever happens.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.consumer !== consumer) return;
      this.options.log?.('consumer crashed; starting a new one', { error: payload.error.message });
      this.consumer = undefined;
      void consumer
        .disconnect()
        .catch(() => {})
        .then(() => new Promise((r) => setTimeout(r, 1_000)))
        .then(() => this.start())
        .catch((error: unknown) =>
          this.options.log?.('could not restart the consumer', { error: String(error) }),
        );
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    const source = {
      eventSourceArn: `arn:aws:kafka:local:000000000000:cluster/local/${topic}`,
      bootstrapServers: await bootstrapServersOf(kafka),
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 100,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length; ) {
          if (!isRunning() || isStale()) return;
          const chunk = nextInvocationChunk(batch.messages, i, this.batchSize);
          i += chunk.length;
          const event = toMskEvent(batch.topic, batch.partition, chunk, source);
          const done = this.invokeUntilSuccess(event, chunk, heartbeat, isRunning);
          this.inFlight.add(done);
          void done.finally(() => this.inFlight.delete(done)).catch(() => {});
          if (!(await done)) return; // stopping: leave the offsets uncommitted, the batch comes again
          const last = (chunk.at(-1) as KafkaMessage).offset;
          resolveOffset(last);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
          ]);
          await heartbeat();
        }
      },
    });
  }

  private async invokeUntilSuccess(
    event: MSKEvent,
    chunk: readonly KafkaMessage[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    let delayMs = 200;
    for (;;) {
      try {
        const result = await this.options.handler(
          event,
          localLambdaContext(this.options.functionName ?? 'processor'),
        );
        this.stats.invocations += 1;
        this.stats.records += chunk.length;
        this.options.onInvoked?.(chunk.length, result);
        return true;
      } catch (error) {
        this.stats.failedInvocations += 1;
        this.options.log?.('processor invocation failed; retrying the same batch', {
          records: chunk.length,
          firstOffset: chunk[0]?.offset,
          retryInMs: delayMs,
          error: error instanceof Error ? error.message : String(error),
        });
        const until = Date.now() + delayMs;
        while (Date.now() < until) {
          if (!isRunning()) return false;
          await heartbeat().catch(() => {});
          await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
        }
        delayMs = Math.min(delayMs * 2, 10_000);
      }
    }
  }

  /** Lets the batch in flight finish (and commit), then leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.stop();
    await Promise.allSettled([...this.inFlight]);
    await consumer.disconnect();
  }
}

/** Lambda's synchronous invocation payload limit, which also caps an ESM batch below its BatchSize. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Upper bound of one record's size in the MSK event JSON (base64 key/value, headers as byte arrays). */
export function mskRecordJsonBytes(message: KafkaMessage): number {
  const base64 = (bytes: number) => 4 * Math.ceil(bytes / 3);
  let headerBytes = 0;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) headerBytes += name.length + 8 + 4 * Buffer.byteLength(v ?? ''); // "255," per byte
  }
  // topic, partition, offset, timestamp, timestampType and JSON punctuation.
  const envelope = 200;
  return envelope + base64(message.key?.length ?? 0) + base64(message.value?.length ?? 0) + headerBytes;
}

/**
 * The records of the next invocation from `start`: at most `batchSize`, and no more than fit in the 6 MB
 * payload, as the ESM does (a batch of 10,000 large records arrives as several smaller invocations).
 */
export function nextInvocationChunk(
  messages: readonly KafkaMessage[],
  start: number,
  batchSize: number,
): KafkaMessage[] {
  let bytes = 512; // the event's own fields
  let end = start;
  while (end < messages.length && end - start < batchSize) {
    bytes += mskRecordJsonBytes(messages[end] as KafkaMessage);
    if (bytes > MAX_INVOCATION_PAYLOAD_BYTES && end > start) break;
    end += 1;
  }
  return messages.slice(start, end);
}

async function bootstrapServersOf(kafka: Kafka): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => `${b.host}:${b.port}`).join(',');
  } finally {
    await admin.disconnect();
  }
}
