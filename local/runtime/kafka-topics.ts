import type { Kafka } from 'kafkajs';
import { settledPartitions } from '../../lambdas/topics/topic-partitions.js';

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Kafka topic configs, e.g. retention.ms. */
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates the topics that do not exist yet (auto-creation is off, as on MSK) and returns once the metadata
 * shows every partition of them with a leader. An existing topic is left as it is, except that a topic with
 * fewer partitions than asked is reported, not silently used.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions,
          replicationFactor: 1,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      // kafkajs's waitForLeaders only retries a leader-not-available answer; a broker's metadata can still
      // lack partitions for a moment, and the next client (a producer, a consumer) would see fewer.
      for (const spec of missing) await settledPartitions(admin, spec.topic, spec.numPartitions, 'created');
    }
    const present = specs.filter((s) => existing.has(s.topic));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
      for (const spec of present) {
        const partitions = metadata.topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
        if (partitions < spec.numPartitions) {
          throw new TopicShapeError(spec.topic, partitions, spec.numPartitions);
        }
      }
    }
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

export class TopicShapeError extends Error {
  constructor(topic: string, actual: number, wanted: number) {
    super(
      `topic ${topic} has ${actual} partitions but ${wanted} are configured; recreate it or lower the setting`,
    );
    this.name = 'TopicShapeError';
  }
}
