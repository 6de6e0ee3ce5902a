import { DescribeClusterV2Command, DescribeTopicCommand, type KafkaClient } from '@aws-sdk/client-kafka';
import type { TopicDescription, TopicPort } from '../ports.js';
import { decodeTopicConfigs } from '../topic-configs.js';

/** Topics through MSK's topic API (DescribeTopic), as CloudFormation created them. */
export class MskTopics implements TopicPort {
  constructor(
    private readonly client: KafkaClient,
    private readonly clusterArn: string,
  ) {}

  async describe(topic: string): Promise<TopicDescription | undefined> {
    try {
      const described = await this.client.send(
        new DescribeTopicCommand({ ClusterArn: this.clusterArn, TopicName: topic }),
      );
      return {
        name: topic,
        partitions: described.PartitionCount ?? 0,
        replicationFactor: described.ReplicationFactor ?? 0,
        configs: decodeTopicConfigs(described.Configs),
      };
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFoundException') return undefined;
      throw error;
    }
  }
}

/** The provisioned cluster's Kafka version, broker type and count (DescribeClusterV2). */
export async function mskClusterVersions(
  client: KafkaClient,
  clusterArn: string,
): Promise<{ kafkaVersion: string; brokerInstanceType?: string; brokerCount?: number }> {
  const info = (await client.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }))).ClusterInfo;
  const provisioned = info?.Provisioned;
  if (!provisioned) return { kafkaVersion: 'serverless' };
  return {
    kafkaVersion: provisioned.CurrentBrokerSoftwareInfo?.KafkaVersion ?? 'unknown',
    ...(provisioned.BrokerNodeGroupInfo?.InstanceType
      ? { brokerInstanceType: provisioned.BrokerNodeGroupInfo.InstanceType }
      : {}),
    ...(provisioned.NumberOfBrokerNodes !== undefined
      ? { brokerCount: provisioned.NumberOfBrokerNodes }
      : {}),
  };
}
