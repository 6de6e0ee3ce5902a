import * as z from 'zod';

export class InvalidTopicPropertiesError extends Error {
  override readonly name = 'InvalidTopicPropertiesError';
}

// CloudFormation hands every custom-resource property over as a string.
const count = (max: number) => z.coerce.number().int().min(1).max(max);

const topicPropertiesSchema = z.strictObject({
  ServiceToken: z.string().optional(),
  TopicName: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/),
  NumPartitions: count(1_000),
  ReplicationFactor: count(10),
  /** Topic-level configs, e.g. { "min.insync.replicas": "2", "retention.ms": "604800000" }. */
  Config: z.record(z.string(), z.coerce.string()).default({}),
});

export type TopicProperties = z.output<typeof topicPropertiesSchema>;

export function parseTopicProperties(input: unknown): TopicProperties {
  const result = topicPropertiesSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidTopicPropertiesError(`invalid topic properties: ${issues.join('; ')}`);
  }
  return result.data;
}
