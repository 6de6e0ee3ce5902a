import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { FailureDestinationSettings, StreamingSettings } from '../../config/stage-settings.js';
import { PipelineFunction, retentionDays, useProjectRuntime } from '../shared/pipeline-function.js';
import { KafkaArns } from './kafka-arns.js';
import {
  MSK_SERVERLESS_REPLICATION_FACTOR,
  mskTopicConfigs,
  type TopicProps,
  topicConfigs,
} from './topic-configs.js';

export { MSK_SERVERLESS_REPLICATION_FACTOR, type TopicProps } from './topic-configs.js';

/** Port of the MSK IAM-authenticated TLS listener (provisioned and serverless). */
export const MSK_IAM_PORT = 9098;

/** Props of {@link Streaming}. */
export interface StreamingProps {
  /** Stage name, part of the cluster name. */
  readonly stageName: string;
  /** VPC the cluster lives in. */
  readonly vpc: ec2.IVpc;
  /** Private subnets, one per AZ (brokers are spread over them). */
  readonly subnets: ec2.SubnetSelection;
  /** Cluster flavour and size. */
  readonly cluster: StreamingSettings;
  /** The `users_created` topic. */
  readonly topic: TopicProps;
  /**
   * The failure topic: the event source mapping's on-failure destination. It takes the main topic's
   * partitions and replication with its own (long) retention.
   */
  readonly failureTopic: FailureDestinationSettings;
  /** Days broker and custom-resource logs are kept. */
  readonly logRetentionDays: number;
  /** Keep the cluster (and its data) when the stack deletes it. @default false */
  readonly retainOnDelete?: boolean;
}

/** A topic resource (`AWS::MSK::Topic` or the custom resource); producers and consumers depend on it. */
export type TopicResource = msk.CfnTopic | CustomResource;

/**
 * Amazon MSK with IAM authentication and TLS only: provisioned brokers (KMS CMK at rest, TLS in the
 * cluster, broker logs to CloudWatch) or MSK Serverless, and its topics. Provisioned clusters get their
 * topics as `AWS::MSK::Topic` (the MSK topic API: provisioned clusters on Kafka 3.6.0 or later); MSK
 * Serverless, which that API does not serve, keeps the custom resource of lambdas/topics. Either way the
 * topic is a resource the event source mapping and the producers can depend on.
 */
export class Streaming extends Construct {
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** Helpers for `kafka-cluster:*` resource ARNs. */
  readonly arns: KafkaArns;
  /** Security group of the brokers; clients are allowed in with {@link allowClient}. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The topic's resource; consumers and producers depend on it. */
  readonly topicResource: TopicResource;
  /** The failure topic's resource; the mapping depends on it. */
  readonly failureTopicResource: TopicResource;
  /** The failure topic's name. */
  readonly failureTopicName: string;
  /** The topic's name. */
  readonly topicName: string;
  /** Whether the cluster is MSK Serverless. */
  readonly serverless: boolean;
  /** Provisioned only: the cluster's CMK. */
  readonly encryptionKey?: kms.Key;
  /** Provisioned only: the cluster name (the `ClusterName` dimension of AWS/Kafka metrics). */
  readonly clusterName: string;

  constructor(scope: Construct, id: string, props: StreamingProps) {
    super(scope, id);
    this.topicName = props.topic.name;
    this.serverless = props.cluster.kind === 'serverless';
    this.clusterName = `pipeline-${props.stageName}`;
    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `MSK ${this.clusterName}: IAM/TLS listener`,
      allowAllOutbound: true,
    });
    // The Lambda event source mapping's pollers run with the cluster's own security group and must reach
    // the brokers through it.
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.allTcp(), 'Event source mapping pollers');

    const removalPolicy = props.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    let cluster: msk.CfnCluster | msk.CfnServerlessCluster;
    if (props.cluster.kind === 'provisioned') {
      this.encryptionKey = new kms.Key(this, 'Key', {
        description: `MSK ${this.clusterName} encryption at rest`,
        enableKeyRotation: true,
        removalPolicy,
      });
      cluster = this.createProvisionedCluster(
        props.cluster,
        subnetIds,
        this.encryptionKey,
        props.logRetentionDays,
      );
    } else {
      cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
        clusterName: this.clusterName,
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfigs: [{ subnetIds, securityGroups: [this.securityGroup.securityGroupId] }],
      });
    }
    this.clusterArn = cluster.attrArn;
    cluster.applyRemovalPolicy(removalPolicy);
    this.arns = new KafkaArns(this, this.clusterArn);

    this.failureTopicName = props.failureTopic.topicName;
    // The failure topic takes the main topic's partitions and replication with its own retention.
    const topics = [
      props.topic,
      { ...props.topic, name: this.failureTopicName, retentionHours: props.failureTopic.retentionHours },
    ];
    const [topic, failureTopic] =
      props.cluster.kind === 'provisioned'
        ? topics.map((t) => this.addMskTopic(t))
        : this.addCustomResourceTopics(topics, props);
    this.topicResource = topic as TopicResource;
    this.failureTopicResource = failureTopic as TopicResource;
    // An AWS::MSK::Topic waits for the cluster through its ClusterArn; the custom resource needs it said.
    if (props.cluster.kind === 'serverless') {
      for (const resource of [this.topicResource, this.failureTopicResource])
        resource.node.addDependency(cluster);
    }
  }

  /** The provisioned cluster: IAM auth only, TLS everywhere, encrypted with `key`, broker logs kept. */
  private createProvisionedCluster(
    settings: Extract<StreamingSettings, { kind: 'provisioned' }>,
    subnetIds: string[],
    key: kms.IKey,
    logRetentionDays: number,
  ): msk.CfnCluster {
    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', {
      retention: retentionDays(logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return new msk.CfnCluster(this, 'Cluster', {
      clusterName: this.clusterName,
      kafkaVersion: settings.kafkaVersion,
      numberOfBrokerNodes: settings.brokerCount,
      brokerNodeGroupInfo: {
        instanceType: settings.brokerInstanceType,
        clientSubnets: subnetIds,
        securityGroups: [this.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: settings.volumeSizeGiB } },
      },
      clientAuthentication: {
        sasl: { iam: { enabled: true } },
        unauthenticated: { enabled: false },
      },
      encryptionInfo: {
        encryptionAtRest: { dataVolumeKmsKeyId: key.keyArn },
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      loggingInfo: {
        brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } },
      },
      enhancedMonitoring: 'PER_BROKER',
    });
  }

  /**
   * One topic as `AWS::MSK::Topic`. CloudFormation calls the MSK topic API with the deploying role, so no
   * function, VPC access or Kafka admin client is needed. Retained like the custom resource's topics:
   * removing the resource must not drop the records a topic still holds (replay, audit).
   */
  private addMskTopic(topic: TopicProps): msk.CfnTopic {
    const resource = new msk.CfnTopic(this, topicConstructId(topic, this.topicName), {
      clusterArn: this.clusterArn,
      topicName: topic.name,
      partitionCount: topic.partitions,
      replicationFactor: topic.replicationFactor,
      configs: mskTopicConfigs(topicConfigs(topic, false)),
    });
    resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return resource;
  }

  /**
   * MSK Serverless only: the topics through the custom resource of lambdas/topics, which uses the kafkajs
   * admin client with IAM auth from inside the VPC (the MSK topic API does not serve serverless clusters).
   */
  private addCustomResourceTopics(topics: readonly TopicProps[], props: StreamingProps): CustomResource[] {
    const topicsSecurityGroup = new ec2.SecurityGroup(this, 'TopicsFunctionSecurityGroup', {
      vpc: props.vpc,
      description: 'Topic custom resource: to the MSK IAM listener and AWS endpoints',
      allowAllOutbound: true,
    });
    this.allowClient(topicsSecurityGroup, 'Topic custom resource');
    const topicsFunction = new PipelineFunction(this, 'TopicsFunction', {
      entry: 'topics/handler.ts',
      serviceName: 'topics',
      environment: { KAFKA_AUTH: 'iam', MSK_CLUSTER_ARN: this.clusterArn },
      noDeadLetterQueueReason: 'Invoked synchronously by the custom resource provider framework.',
      description: `Creates and updates the Kafka topics of MSK ${this.clusterName} (custom resource)`,
      timeout: Duration.minutes(5),
      logRetentionDays: props.logRetentionDays,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [topicsSecurityGroup],
    });
    for (const topic of topics) this.grantAdmin(topicsFunction.function, topic.name);

    const providerLogs = new logs.LogGroup(this, 'TopicsProviderLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const provider = new cr.Provider(this, 'TopicsProvider', {
      onEventHandler: topicsFunction.function,
      logGroup: providerLogs,
    });
    useProjectRuntime(provider);
    return topics.map((topic) => this.addCustomResourceTopic(provider.serviceToken, topic));
  }

  /** One topic through the custom resource (lambdas/topics). */
  private addCustomResourceTopic(serviceToken: string, topic: TopicProps): CustomResource {
    return new CustomResource(this, topicConstructId(topic, this.topicName), {
      serviceToken,
      resourceType: 'Custom::KafkaTopic',
      // The handler (lambdas/topics) validates exactly these properties; the cluster comes from its
      // environment (MSK_CLUSTER_ARN). CloudFormation passes every value as a string.
      properties: {
        TopicName: topic.name,
        NumPartitions: String(topic.partitions),
        // MSK Serverless always keeps three replicas.
        ReplicationFactor: String(MSK_SERVERLESS_REPLICATION_FACTOR),
        Config: topicConfigs(topic, true),
      },
    });
  }

  /** Lets a client security group reach the brokers' IAM listener. */
  allowClient(client: ec2.ISecurityGroup, description: string): void {
    this.securityGroup.addIngressRule(client, ec2.Port.tcp(MSK_IAM_PORT), description);
  }

  /** Producer rights on one topic (ingestion Lambdas, MWAA replay). */
  grantProduce(grantee: iam.IGrantable, topicName: string = this.topicName): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
      resourceArns: [this.clusterArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resourceArns: [this.arns.topic(topicName)],
    });
    this.grantBootstrap(grantee);
  }

  /** Consumer rights on one topic as one consumer group (the failed-batches replay). */
  grantConsume(grantee: iam.IGrantable, topicName: string, groupId: string): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect'],
      resourceArns: [this.clusterArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resourceArns: [this.arns.topic(topicName)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resourceArns: [this.arns.group(groupId)],
    });
    this.grantBootstrap(grantee);
  }

  /** `kafka:GetBootstrapBrokers` (clients configured with `MSK_CLUSTER_ARN` resolve brokers at cold start). */
  grantBootstrap(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'],
      resourceArns: [this.clusterArn],
    });
  }

  /** Admin rights the topic custom resource needs on one topic. */
  private grantAdmin(grantee: iam.IGrantable, topicName: string): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      resourceArns: [this.clusterArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'kafka-cluster:CreateTopic',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:AlterTopic',
        'kafka-cluster:DescribeTopicDynamicConfiguration',
        'kafka-cluster:AlterTopicDynamicConfiguration',
      ],
      resourceArns: [this.arns.topic(topicName)],
    });
    this.grantBootstrap(grantee);
  }
}

/** Construct id of a topic's resource: `Topic` for the stage's topic, `FailureTopic` for the failure topic. */
function topicConstructId(topic: TopicProps, mainTopicName: string): string {
  return topic.name === mainTopicName ? 'Topic' : 'FailureTopic';
}
