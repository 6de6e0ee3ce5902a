import { Fn } from 'aws-cdk-lib';
import type { TopicSettings } from '../../config/stage-settings.js';

/** Replication factor MSK Serverless applies to every topic. */
export const MSK_SERVERLESS_REPLICATION_FACTOR = 3;

/** One Kafka topic the stage creates (the `users_created` topic, the failure topic): its name and layout. */
export interface TopicProps extends TopicSettings {
  /** Topic name. */
  readonly name: string;
}

/**
 * The topic-level Kafka configs of one topic: the one definition that both topic mechanisms (the
 * `AWS::MSK::Topic` resource and the custom resource of lambdas/topics) encode.
 * MSK Serverless lets a client set `retention.ms` but not `min.insync.replicas` (MSK Developer Guide,
 * "Configuration properties for MSK Serverless clusters").
 */
export function topicConfigs(topic: TopicProps, serverless: boolean): Record<string, string> {
  const configs: Record<string, string> = { 'retention.ms': String(topic.retentionHours * 3_600_000) };
  if (!serverless) configs['min.insync.replicas'] = String(topic.minInsyncReplicas);
  return configs;
}

/**
 * `AWS::MSK::Topic`'s `Configs`: base64 of a JSON object of config name to string value. The resource
 * schema, the CDK typings and the MSK API only say "Base64 encoded"; the JSON payload is what the Terraform
 * AWS provider's `aws_msk_topic` sends to CreateTopic/UpdateTopic and decodes from DescribeTopic (its
 * acceptance tests run against MSK). See the README ("Kafka topics") for the sources and the one AWS
 * example that shows properties text instead. `Fn::Base64` keeps the JSON readable in the template.
 */
export function mskTopicConfigs(configs: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(Object.entries(configs).sort(([a], [b]) => a.localeCompare(b)));
  return Fn.base64(JSON.stringify(sorted));
}
