import { randomUUID } from 'node:crypto';
import type { Context, MSKEvent } from 'aws-lambda';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  type FailureCondition,
  type FailureContext,
  toFailedRecord,
} from '../../lambdas/shared/kafka/failed-record.js';
import { localLambdaContext } from './lambda-context.js';
import { type MskEventSource, toMskEvent } from './msk-event.js';

export type MskHandler = (event: MSKEvent, context: Context) => Promise<unknown>;

/**
 * The mapping's error handling, as the provisioned-mode ESM settings (from the stage config) define it.
 * Without it the bridge retries a failing batch forever, as an ESM without a destination and with
 * MaximumRetryAttempts -1 does.
 */
export interface FailureHandling {
  /** MaximumRetryAttempts: retries of a failing (sub-)batch of one record before it goes to the topic. */
  readonly retryAttempts: number;
  /** BisectBatchOnFunctionError: split a failing batch in two (a split does not use up a retry). */
  readonly bisectBatchOnError: boolean;
  /** MaximumRecordAgeInSeconds: older records go to the failure topic without another invocation. */
  readonly maxRecordAgeSeconds: number;
  /** The on-failure destination topic (`KafkaDlq`), on the same cluster. */
  readonly failureTopic: string;
  /** First retry delay; doubles per retry up to 10 s. @default 200 */
  readonly retryDelayMs?: number;
}

export interface MskBridgeOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Consumer group; plays the part of the event source mapping's UUID. @default 'local-msk-bridge' */
  readonly groupId?: string;
  /** Most records per invocation, like the ESM's BatchSize. */
  readonly batchSize: number;
  /** How long the broker may wait to fill a batch, like MaximumBatchingWindowInSeconds, in ms. */
  readonly batchWindowMs: number;
  /** Retry budget, bisection, record age and failure topic. @default - retry forever */
  readonly failure?: FailureHandling;
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
  /** Called with the number of records written to the failure topic (the ESM's OnFailureDestinationDelivered). */
  readonly onFailureDestinationDelivered?: (records: number) => void;
}

export interface MskBridgeStats {
  invocations: number;
  records: number;
  failedInvocations: number;
  /** Records written to the failure topic. */
  failedRecords: number;
}

/** One partition's batch on its way through invocations, bisections and retries. */
interface Delivery {
  readonly topic: string;
  readonly partition: number;
  readonly source: MskEventSource;
  readonly heartbeat: () => Promise<void>;
  readonly isRunning: () => boolean;
}

/** Thrown into the consumer when the bridge is stopping mid-batch: the batch stays uncommitted. */
class BridgeStoppingError extends Error {
  override readonly name = 'BridgeStoppingError';
}

/**
 * Local stand-in for Lambda's MSK event source mapping: consumes with kafkajs and invokes the very
 * processor handler Lambda runs, with events shaped as Lambda shapes them. Offsets are committed only
 * after the batch is done: every record processed or written to the failure topic. A throw retries the
 * batch with backoff, bisecting it, until the retry budget or the record age runs out; then the records go
 * to the failure topic in the documented format, as the ESM does. No business logic.
 */
export class MskBridge {
  readonly stats: MskBridgeStats = { invocations: 0, records: 0, failedInvocations: 0, failedRecords: 0 };
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  /** Invocations under way, one per partition at most. */
  private readonly inFlight = new Set<Promise<boolean>>();

  constructor(private readonly options: MskBridgeOptions) {}

  /** Whether the bridge is consuming (between start and stop; a crashed consumer is being replaced). */
  get consuming(): boolean {
    return this.consumer !== undefined;
  }

  async start(): Promise<void> {
    const { kafka, topic } = this.options;
    if (this.options.failure && !this.producer) {
      // Idempotent, all replicas: a failed record is written once and durably before its offset commits.
      this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const windowMs = this.options.batchWindowMs;
    const consumer = kafka.consumer({
      groupId: this.options.groupId ?? 'local-msk-bridge',
      maxWaitTimeInMs: Math.max(windowMs, 10),
      // With a window, ask the broker to hold the fetch until the window ends or ~a batch has arrived.
      minBytes: windowMs > 0 ? 512 * this.options.batchSize : 1,
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
    const source: MskEventSource = {
      eventSourceArn: `arn:aws:kafka:local:000000000000:cluster/local/${topic}`,
      bootstrapServers: await bootstrapServersOf(kafka),
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 100,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const delivery: Delivery = {
          topic: batch.topic,
          partition: batch.partition,
          source,
          heartbeat,
          isRunning: () => isRunning() && !isStale(),
        };
        for (let i = 0; i < batch.messages.length; ) {
          if (!delivery.isRunning()) return;
          const chunk = nextInvocationChunk(batch.messages, i, this.options.batchSize);
          i += chunk.length;
          const done = this.deliver(delivery, chunk, 0).catch((error: unknown) => {
            if (error instanceof BridgeStoppingError) return false;
            throw error;
          });
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

  /**
   * Gets `records` processed or into the failure topic. Returns false when the bridge stops first.
   *
   * @param attempts retries already used by these records (bisection hands its count on to both halves)
   */
  private async deliver(delivery: Delivery, records: KafkaMessage[], attempts: number): Promise<boolean> {
    const failure = this.options.failure;
    let pending = records;
    for (let retries = attempts; ; retries += 1) {
      if (!delivery.isRunning()) return false;
      if (failure) {
        const oldest = Date.now() - failure.maxRecordAgeSeconds * 1_000;
        const expired = pending.filter((m) => Number(m.timestamp) < oldest);
        if (expired.length > 0) {
          await this.sendToFailureTopic(delivery, expired, { condition: 'RecordAgeExceeded', retries });
          pending = pending.filter((m) => Number(m.timestamp) >= oldest);
          if (pending.length === 0) return true;
        }
      }
      const event = toMskEvent(delivery.topic, delivery.partition, pending, delivery.source);
      const requestId = randomUUID();
      const error = await this.invoke(event, pending.length, requestId);
      if (error === undefined) return true;
      this.options.log?.('processor invocation failed', {
        records: pending.length,
        firstOffset: pending[0]?.offset,
        retries,
        error: error instanceof Error ? error.message : String(error),
      });
      if (failure?.bisectBatchOnError && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        return (
          (await this.deliver(delivery, pending.slice(0, half), retries)) &&
          (await this.deliver(delivery, pending.slice(half), retries))
        );
      }
      if (failure && retries >= failure.retryAttempts) {
        await this.sendToFailureTopic(delivery, pending, {
          condition: 'RetriesExhausted',
          retries,
          requestId,
        });
        return true;
      }
      await this.backoff(delivery, retries);
    }
  }

  /** Invokes the handler; returns its error, or undefined on success. */
  private async invoke(event: MSKEvent, records: number, requestId: string): Promise<unknown> {
    try {
      const context = {
        ...localLambdaContext(this.options.functionName ?? 'processor'),
        awsRequestId: requestId,
      };
      const result = await this.options.handler(event, context);
      this.stats.invocations += 1;
      this.stats.records += records;
      this.options.onInvoked?.(records, result);
      return undefined;
    } catch (error) {
      this.stats.failedInvocations += 1;
      return error ?? new Error('handler threw nothing');
    }
  }

  private async backoff(delivery: Delivery, retries: number): Promise<void> {
    const first = this.options.failure?.retryDelayMs ?? 200;
    const until = Date.now() + Math.min(first * 2 ** retries, 10_000);
    while (Date.now() < until) {
      if (!delivery.isRunning()) return;
      await delivery.heartbeat().catch(() => {});
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, until - Date.now()))));
    }
  }

  /**
   * Writes each record, with the failure metadata, to the failure topic (key = the record's key), as the
   * ESM's KafkaDlq does. A failed write is retried until it succeeds or the bridge stops: the batch is
   * committed only once its records are safe (where Lambda would count them as DroppedEventCount).
   */
  private async sendToFailureTopic(
    delivery: Delivery,
    records: readonly KafkaMessage[],
    why: { condition: FailureCondition; retries: number; requestId?: string },
  ): Promise<void> {
    const failure = this.options.failure as FailureHandling;
    const functionName = this.options.functionName ?? 'processor';
    const context: FailureContext = {
      condition: why.condition,
      invokeCount: why.condition === 'RecordAgeExceeded' ? why.retries : why.retries + 1,
      functionArn: `arn:aws:lambda:local:000000000000:function:${functionName}:$LATEST`,
      requestId: why.requestId ?? randomUUID(),
      ...(why.condition === 'RetriesExhausted' ? { functionError: 'Unhandled' } : {}),
      at: new Date(),
    };
    const messages = records.map((m) => ({
      key: m.key,
      value: JSON.stringify(
        toFailedRecord(toMskEvent(delivery.topic, delivery.partition, [m], delivery.source), context),
      ),
    }));
    for (let attempt = 0; ; attempt += 1) {
      if (!delivery.isRunning())
        throw new BridgeStoppingError('stopping before the failed records were written');
      try {
        await (this.producer as Producer).send({ topic: failure.failureTopic, acks: -1, messages });
        break;
      } catch (error) {
        this.options.log?.('could not write to the failure topic; retrying', {
          topic: failure.failureTopic,
          error: error instanceof Error ? error.message : String(error),
        });
        await this.backoff(delivery, Math.min(attempt, 5));
      }
    }
    this.stats.failedRecords += records.length;
    this.options.onFailureDestinationDelivered?.(records.length);
    this.options.log?.('records sent to the failure topic', {
      topic: failure.failureTopic,
      condition: why.condition,
      records: records.length,
      partition: delivery.partition,
      firstOffset: records[0]?.offset,
    });
  }

  /** Lets the batch in flight finish (and commit), then leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) {
      await consumer.stop();
      await Promise.allSettled([...this.inFlight]);
      await consumer.disconnect();
    }
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
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
