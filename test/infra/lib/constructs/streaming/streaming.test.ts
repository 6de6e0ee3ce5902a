import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { loadStageConfig, type ResolvedStageConfig } from '../../../../../bin/config/index.js';
import {
  MSK_SERVERLESS_REPLICATION_FACTOR,
  Streaming,
} from '../../../../../lib/constructs/streaming/streaming.js';
import { TEST_ENV } from '../../../support/pipeline-fixture.js';

const HOUR_MS = 3_600_000;

/** The Streaming construct alone, with a stage's streaming and topic settings (as the stack passes them). */
function synthStreaming(config: ResolvedStageConfig): { template: Template; streaming: Streaming } {
  const stack = new Stack(new App(), 'StreamingTest', {
    env: { account: '111122223333', region: 'eu-west-1' },
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: config.network.maxAzs, natGateways: 0 });
  const streaming = new Streaming(stack, 'Streaming', {
    stageName: config.stageName,
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    cluster: config.streaming,
    topic: { name: config.topicName, ...config.topic },
    failureTopic: config.processor.failureDestination,
    logRetentionDays: config.observability.logRetentionDays,
    retainOnDelete: config.database.deletionProtection,
  });
  return { template: Template.fromStack(stack), streaming };
}

/** `Configs` is `Fn::Base64` of a JSON object; returns that object. */
function decodedConfigs(properties: Record<string, unknown>): Record<string, string> {
  const configs = properties.Configs as { 'Fn::Base64': string };
  expect(Object.keys(configs)).toEqual(['Fn::Base64']);
  return JSON.parse(configs['Fn::Base64']) as Record<string, string>;
}

describe.each(['dev', 'prod'] as const)('provisioned MSK (%s settings): AWS::MSK::Topic', (stageName) => {
  const config = loadStageConfig(stageName, TEST_ENV);
  const { template, streaming } = synthStreaming(config);
  const topics = template.findResources('AWS::MSK::Topic');

  it('is what the stage runs: provisioned Kafka 4.x in KRaft mode (the topic API needs 3.6.0 or later)', () => {
    expect(config.streaming.kind).toBe('provisioned');
    expect(config.streaming.kind === 'provisioned' && config.streaming.kafkaVersion).toMatch(
      /^4\.\d+\..*kraft/,
    );
  });

  it('creates both topics as AWS::MSK::Topic on the cluster, and no custom resource or topics function', () => {
    expect(Object.keys(topics)).toHaveLength(2);
    for (const topic of Object.values(topics)) {
      expect(topic.Properties.ClusterArn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^StreamingCluster/), 'Arn'],
      });
      // Kept when the resource goes, like the custom resource's topics (records may still be replayed).
      expect(topic.DeletionPolicy).toBe('Retain');
      expect(topic.UpdateReplacePolicy).toBe('Retain');
      // The ClusterArn GetAtt makes CloudFormation wait for the cluster (an explicit DependsOn is W3005).
      expect(topic.DependsOn).toBeUndefined();
    }
    expect(template.findResources('Custom::KafkaTopic')).toEqual({});
    expect(template.findResources('AWS::Lambda::Function')).toEqual({});
    expect(streaming.topicResource.node.id).toBe('Topic');
    expect(streaming.failureTopicResource.node.id).toBe('FailureTopic');
  });

  it('gives the topic the stage partitions, replication, min ISR and retention', () => {
    const [, topic] =
      Object.entries(topics).find(([, t]) => t.Properties.TopicName === config.topicName) ?? [];
    expect(topic?.Properties).toMatchObject({
      PartitionCount: config.topic.partitions,
      ReplicationFactor: config.topic.replicationFactor,
    });
    expect(decodedConfigs(topic?.Properties)).toEqual({
      'min.insync.replicas': String(config.topic.minInsyncReplicas),
      'retention.ms': String(config.topic.retentionHours * HOUR_MS),
    });
  });

  it("gives the failure topic the main topic's layout with its own long retention", () => {
    const failure = config.processor.failureDestination;
    const [, topic] =
      Object.entries(topics).find(([, t]) => t.Properties.TopicName === failure.topicName) ?? [];
    expect(topic?.Properties).toMatchObject({
      PartitionCount: config.topic.partitions,
      ReplicationFactor: config.topic.replicationFactor,
    });
    expect(decodedConfigs(topic?.Properties)).toEqual({
      'min.insync.replicas': String(config.topic.minInsyncReplicas),
      'retention.ms': String(failure.retentionHours * HOUR_MS),
    });
    expect(failure.retentionHours).toBeGreaterThan(config.topic.retentionHours);
  });
});

describe('MSK Serverless (dev settings with streaming.kind=serverless): the custom resource stays', () => {
  const config: ResolvedStageConfig = {
    ...loadStageConfig('dev', TEST_ENV),
    streaming: { kind: 'serverless' },
  };
  const { template } = synthStreaming(config);

  it('creates no AWS::MSK::Topic (the MSK topic API does not serve serverless clusters)', () => {
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
    template.resourceCountIs('AWS::MSK::Topic', 0);
  });

  it('creates both topics through Custom::KafkaTopic with the fixed replication and retention only', () => {
    template.resourceCountIs('Custom::KafkaTopic', 2);
    for (const topic of Object.values(template.findResources('Custom::KafkaTopic'))) {
      expect(topic.DependsOn).toEqual([expect.stringMatching(/^StreamingCluster/)]);
    }
    template.hasResourceProperties('Custom::KafkaTopic', {
      TopicName: config.topicName,
      NumPartitions: String(config.topic.partitions),
      ReplicationFactor: String(MSK_SERVERLESS_REPLICATION_FACTOR),
      Config: Match.objectEquals({ 'retention.ms': String(config.topic.retentionHours * HOUR_MS) }),
    });
    template.hasResourceProperties('Custom::KafkaTopic', {
      TopicName: config.processor.failureDestination.topicName,
      NumPartitions: String(config.topic.partitions),
      Config: Match.objectEquals({
        'retention.ms': String(config.processor.failureDestination.retentionHours * HOUR_MS),
      }),
    });
  });

  it('grants the topics function admin rights on exactly those two topics', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
    );
    const creates = statements.filter((s) => JSON.stringify(s.Action).includes('kafka-cluster:CreateTopic'));
    const resources = JSON.stringify(creates.map((s) => s.Resource));
    expect(resources).toContain(`/${config.topicName}`);
    expect(resources).toContain(`/${config.processor.failureDestination.topicName}`);
  });
});
