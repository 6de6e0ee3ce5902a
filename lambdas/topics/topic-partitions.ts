import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

/** A topic's partitions as a broker's metadata shows them now. */
export interface TopicPartitions {
  readonly count: number;
  /** Partitions without a leader yet (leader -1): not writable. */
  readonly leaderless: number;
  readonly replicationFactor: number;
}

export async function readTopicPartitions(admin: Admin, topic: string): Promise<TopicPartitions> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
  return {
    count: partitions.length,
    leaderless: partitions.filter((p) => p.leader < 0).length,
    replicationFactor: partitions[0]?.replicas.length ?? 0,
  };
}

/** How long a metadata change may take to reach the broker that answers, and how often it is re-read. */
export const PARTITION_METADATA_WAIT = { timeoutMs: 15_000, pollMs: 200 } as const;

/**
 * Re-reads the topic's metadata until it shows at least `count` partitions, every one with a leader. The
 * controller commits CreateTopics/CreatePartitions before every broker's metadata has it: right after, a
 * broker can still answer with the old partition count or with leaderless partitions. Returns what it last
 * saw, settled or not (bounded by `wait.timeoutMs`): the caller decides what an unsettled topic means.
 */
export async function awaitPartitionLeaders(
  admin: Admin,
  topic: string,
  count: number,
  wait: { readonly timeoutMs: number; readonly pollMs: number } = PARTITION_METADATA_WAIT,
): Promise<TopicPartitions & { readonly settled: boolean }> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const seen = await readTopicPartitions(admin, topic);
    const settled = seen.count >= count && seen.leaderless === 0;
    if (settled || Date.now() >= deadline) return { ...seen, settled };
    await sleep(wait.pollMs);
  }
}

/** A change Kafka accepted that the topic's metadata or configs still did not show after the bounded wait. */
export class TopicNotSettledError extends Error {
  override readonly name = 'TopicNotSettledError';
}

/** Waits for `count` partitions with leaders after Kafka `did` (created/accepted) them; unsettled throws. */
export async function settledPartitions(
  admin: Admin,
  topic: string,
  count: number,
  did: string,
): Promise<void> {
  const seen = await awaitPartitionLeaders(admin, topic, count);
  if (!seen.settled) {
    throw new TopicNotSettledError(
      `topic ${topic}: Kafka ${did} ${count} partitions but its metadata still shows ${seen.count} (${seen.leaderless} without a leader) after ${PARTITION_METADATA_WAIT.timeoutMs / 1000} s`,
    );
  }
}
