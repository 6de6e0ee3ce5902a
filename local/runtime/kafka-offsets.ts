import type { Admin } from 'kafkajs';

/**
 * Records of `topic` the consumer group has not committed yet, per partition, as Lambda's OffsetLag counts
 * them: from the committed offset, or from the log start where nothing is committed or it was deleted.
 */
export async function lagByPartition(
  admin: Admin,
  topic: string,
  groupId: string,
): Promise<{ partition: number; lag: number }[]> {
  const [latest, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return latest
    .map((p) => ({
      partition: p.partition,
      lag: Math.max(0, Number(p.high) - Math.max(Number(p.low), done.get(p.partition) ?? 0)),
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** Records held in `topic` (all partitions); null when there is no such topic (yet). */
export async function topicDepth(admin: Admin, topic: string | undefined): Promise<number | null> {
  if (!topic) return null;
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) return null;
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}
