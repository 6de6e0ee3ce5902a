/**
 * Replay of failed batches: the one code path behind `npm run replay -- failed-batches` and the
 * `replay_failed_batches` DAG (which invokes this as a Lambda function).
 *
 * Reads the failure topic (the event source mapping's KafkaDlq) as the consumer group `groupId`, from its
 * committed offsets up to the end the topic had when the run started, and produces each failed record's
 * original key, value and headers back to its source topic. The event_id inside the value is unchanged, so
 * the processor's newest-wins upserts give an exactly-once effect however often a record is replayed.
 * Progress is the group's committed offsets, committed after the broker acknowledged the records, so a
 * second run starts where the first stopped and replays nothing twice.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  FailedRecordFormatError,
  type KafkaFailedRecord,
  originalRecord,
  parseFailedRecord,
  toReplayMessage,
} from '../shared/kafka/failed-record.js';
import type { ReplayParams } from './params.js';

/** Header naming where a replayed record was taken from (`<failure topic>/<partition>/<offset>`). */
export const REPLAYED_FROM_HEADER = 'replayed_from_failure_topic';
const EXAMPLES = 20;

export interface ReplayTarget {
  readonly failureTopic: string;
  /** Consumer group whose committed offsets are the replay's progress. */
  readonly groupId: string;
}

/** One failure-topic message, as the report lists it. */
export interface ReplayItem {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Where the record came from: `<topic>-<partition>@<offset>`. */
  readonly source?: string;
  readonly condition?: string;
  readonly reason?: string;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  readonly failureTopic: string;
  readonly groupId: string;
  readonly replayed: { count: number; examples: ReplayItem[] };
  readonly skipped: { count: number; byReason: Record<string, number>; examples: ReplayItem[] };
  /** Messages left for a later run (after `limit`). */
  readonly remaining: number;
}

type Decision =
  | { readonly kind: 'replay'; readonly item: ReplayItem; readonly failed: KafkaFailedRecord }
  | { readonly kind: 'skip'; readonly item: ReplayItem };

/** What to do with one failure-topic message (pure). */
export function decide(partition: number, message: KafkaMessage, params: ReplayParams): Decision {
  const base = { partition, offset: message.offset, key: message.key?.toString() ?? null };
  let failed: KafkaFailedRecord;
  try {
    failed = parseFailedRecord(message.value ?? '');
  } catch (error) {
    if (!(error instanceof FailedRecordFormatError)) throw error;
    return { kind: 'skip', item: { ...base, reason: `not a failed record: ${error.message}` } };
  }
  const record = originalRecord(failed);
  const item = {
    ...base,
    source: `${record.topic}-${record.partition}@${record.offset}`,
    condition: failed.requestContext.condition,
  };
  if (params.since && new Date(failed.timestamp).getTime() < params.since.getTime()) {
    return { kind: 'skip', item: { ...item, reason: 'failed before --since' } };
  }
  return { kind: 'replay', item, failed };
}

/** Replays the failure topic once; see the module comment. */
export async function replayFailedBatches(
  kafka: Kafka,
  target: ReplayTarget,
  params: ReplayParams,
): Promise<ReplayReport> {
  const pending = await partitionsToRead(kafka, target, params.partition);
  const report: ReplayReport = {
    dryRun: params.dryRun,
    failureTopic: target.failureTopic,
    groupId: target.groupId,
    replayed: { count: 0, examples: [] },
    skipped: { count: 0, byReason: {}, examples: [] },
    remaining: [...pending.values()].reduce((sum, p) => sum + p.left, 0),
  };
  if (pending.size === 0) return report;

  const producer = params.dryRun ? undefined : kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer?.connect();
  const consumer = kafka.consumer({ groupId: target.groupId, allowAutoTopicCreation: false });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: target.failureTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const finishIfDone = () => {
        if (pending.size === 0 || (params.limit !== undefined && report.replayed.count >= params.limit))
          resolve();
      };
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            await replayBatch(payload, { consumer, producer, target, params, report, pending });
            finishIfDone();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer?.disconnect().catch(() => {});
  }
  return report;
}

interface BatchContext {
  readonly consumer: Consumer;
  readonly producer: Producer | undefined;
  readonly target: ReplayTarget;
  readonly params: ReplayParams;
  readonly report: ReplayReport;
  /** Partitions still to read, with their end offset at the start of the run and messages left. */
  readonly pending: Map<number, { end: bigint; left: number }>;
}

async function replayBatch({ batch, resolveOffset }: EachBatchPayload, ctx: BatchContext): Promise<void> {
  const state = ctx.pending.get(batch.partition);
  if (!state) return; // another partition (--partition), or already done: leave its offsets alone
  const toProduce: Array<{ decision: Extract<Decision, { kind: 'replay' }>; message: KafkaMessage }> = [];
  let lastDone: string | undefined;
  const position = state.end - BigInt(state.left);
  for (const message of batch.messages) {
    if (BigInt(message.offset) < position) continue; // fetched again: already counted
    if (BigInt(message.offset) >= state.end) break;
    const budget = ctx.params.limit === undefined ? Infinity : ctx.params.limit - ctx.report.replayed.count;
    const decision = decide(batch.partition, message, ctx.params);
    if (decision.kind === 'replay' && toProduce.length >= budget) break;
    if (decision.kind === 'replay') toProduce.push({ decision, message });
    else countSkip(ctx.report, decision.item);
    lastDone = message.offset;
  }
  if (lastDone === undefined) return;
  if (ctx.producer && toProduce.length > 0) {
    // Back to each record's own source topic, with its own key (so its own partition), value and headers.
    const byTopic = new Map<string, Array<ReturnType<typeof toReplayMessage>>>();
    for (const { decision, message } of toProduce) {
      const replay = toReplayMessage(decision.failed);
      replay.headers[REPLAYED_FROM_HEADER] = Buffer.from(
        `${ctx.target.failureTopic}/${batch.partition}/${message.offset}`,
      );
      const topic = originalRecord(decision.failed).topic;
      const messages = byTopic.get(topic) ?? [];
      messages.push(replay);
      byTopic.set(topic, messages);
    }
    await ctx.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
  for (const { decision } of toProduce) {
    ctx.report.replayed.count += 1;
    if (ctx.report.replayed.examples.length < EXAMPLES) ctx.report.replayed.examples.push(decision.item);
  }
  const done = BigInt(lastDone) + 1n;
  const handled = Number(done - position);
  (ctx.report as { remaining: number }).remaining -= handled;
  state.left -= handled;
  resolveOffset(lastDone); // the in-memory position only; a dry run commits nothing
  if (!ctx.params.dryRun) {
    await ctx.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: done.toString() },
    ]);
  }
  if (done >= state.end) ctx.pending.delete(batch.partition);
}

function countSkip(report: ReplayReport, item: ReplayItem): void {
  report.skipped.count += 1;
  const reason = (item.reason ?? 'unknown').split(':')[0] as string;
  report.skipped.byReason[reason] = (report.skipped.byReason[reason] ?? 0) + 1;
  if (report.skipped.examples.length < EXAMPLES) report.skipped.examples.push(item);
}

/** Partitions with messages between the group's committed offset and the current end. */
async function partitionsToRead(
  kafka: Kafka,
  target: ReplayTarget,
  only: number | undefined,
): Promise<Map<number, { end: bigint; left: number }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(target.failureTopic),
      admin.fetchOffsets({ groupId: target.groupId, topics: [target.failureTopic] }),
    ]);
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    const pending = new Map<number, { end: bigint; left: number }>();
    for (const p of ends) {
      if (only !== undefined && p.partition !== only) continue;
      const start = (done.get(p.partition) ?? -1n) >= 0n ? (done.get(p.partition) as bigint) : BigInt(p.low);
      const end = BigInt(p.high);
      if (end > start) pending.set(p.partition, { end, left: Number(end - start) });
    }
    if (only !== undefined && !ends.some((p) => p.partition === only)) {
      throw new UnknownPartitionError(`${target.failureTopic} has no partition ${only}`);
    }
    return pending;
  } finally {
    await admin.disconnect();
  }
}

/** Thrown when `--partition` names a partition the failure topic does not have. */
export class UnknownPartitionError extends Error {
  override readonly name = 'UnknownPartitionError';
}
