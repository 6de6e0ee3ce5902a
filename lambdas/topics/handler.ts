import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { readKafkaProducerConfig } from '../shared/kafka/config.js';
import { createKafkaClient } from '../shared/kafka/producer.js';
import { applyTopic } from './apply-topic.js';
import { parseTopicProperties } from './topic-properties.js';

const logger = new Logger({ serviceName: 'topics' });

/**
 * CloudFormation custom resource (CDK Provider framework `onEvent`) that creates and updates one Kafka topic
 * over IAM-authenticated TLS (MSK) or plaintext (local). Properties: TopicName, NumPartitions,
 * ReplicationFactor, Config. Delete keeps the topic: its events may still be needed (replay, audit).
 */
export const handler = async (event: CloudFormationCustomResourceEvent) => {
  const wanted = parseTopicProperties(event.ResourceProperties);
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const previous =
    event.RequestType === 'Update' ? parseTopicProperties(event.OldResourceProperties) : undefined;
  const config = readKafkaProducerConfig(process.env, {
    clientId: 'topics-custom-resource',
    requestTimeoutMs: 30_000,
  });
  const admin = (await createKafkaClient(config, { logger })).admin();
  await admin.connect();
  try {
    const change = await applyTopic(admin, wanted, previous);
    logger.info('topic applied', { topic: wanted.TopicName, ...change });
    return { PhysicalResourceId: `kafka-topic:${wanted.TopicName}`, Data: { TopicName: wanted.TopicName } };
  } finally {
    await admin.disconnect();
  }
};
