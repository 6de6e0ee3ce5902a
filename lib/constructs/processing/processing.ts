import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IDependable } from 'constructs';
import { Construct } from 'constructs';
import type { SinkAccess } from '../shared/access.js';
import { lambdaEntry } from '../shared/paths.js';
import { PipelineFunction } from '../shared/pipeline-function.js';

/** Replacement of `adm-zip` in the processor bundle, relative to `lambdas/`. */
export const ADM_ZIP_SHIM = 'shared/clients/adm-zip-unsupported-shim.cjs';

/** The MSK side of the event source mapping. */
export interface MskSource {
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** Topic to consume. */
  readonly topicName: string;
  /** ARN of that topic (`kafka-cluster:*` resource). */
  readonly topicArn: string;
  /** ARN of the consumer group (`kafka-cluster:*` resource). */
  readonly groupArn: string;
  /** The consumer group id the mapping uses (must match `groupArn`). */
  readonly consumerGroupId: string;
  /** What must exist before the mapping starts (the topic custom resource). */
  readonly dependsOn: IDependable;
}

/** Event source mapping batching and scaling. */
export interface MappingSettings {
  /** Records per batch. */
  readonly batchSize: number;
  /** Longest wait to fill a batch, seconds. */
  readonly maxBatchingWindowSeconds: number;
  /** Provisioned pollers; undefined = on-demand. Retry limits and batch bisection need provisioned mode. */
  readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number };
  /** Retries of a failed batch before it goes to the failure queue (provisioned mode only). @default 10 */
  readonly retryAttempts?: number;
}

/** VPC placement of the processor. */
export interface ProcessingNetwork {
  /** VPC. */
  readonly vpc: ec2.IVpc;
  /** Private subnets. */
  readonly subnets: ec2.SubnetSelection;
}

/** Props of {@link Processing}. */
export interface ProcessingProps {
  /**
   * The stores the processor writes, in its sink order (PostgreSQL, then Keyspaces or the compose servers):
   * each brings the environment its client reads and the grants it needs.
   */
  readonly sinks: readonly SinkAccess[];
  /** MSK source; undefined on LocalStack (the local MSK bridge invokes the function). @default - no mapping */
  readonly source?: MskSource;
  /** Batching and scaling of the mapping. */
  readonly mapping: MappingSettings;
  /** VPC placement; undefined on LocalStack. @default - not in a VPC */
  readonly network?: ProcessingNetwork;
  /** Reserved concurrency: caps connections to RDS Proxy and Keyspaces. */
  readonly reservedConcurrency: number;
  /** Memory, MiB. */
  readonly memorySizeMiB: number;
  /** Days logs are kept. */
  readonly logRetentionDays: number;
  /** Encrypt the failure queues with a customer managed key (not on LocalStack). @default true */
  readonly customerManagedKey?: boolean;
}

/**
 * The processor Lambda behind the MSK event source mapping: reads `users_created` from the start
 * (TRIM_HORIZON), writes PostgreSQL and Keyspaces, and sends batches that exhaust their retries to an
 * encrypted SQS queue (itself redriven to a dead-letter queue).
 */
export class Processing extends Construct {
  /** The processor. */
  readonly processor: PipelineFunction;
  /** On-failure destination of the mapping: metadata (topic, partition, offsets) of failed batches. */
  readonly failedBatches: sqs.Queue;
  /** Where messages land that `failedBatches` could not hand over. */
  readonly failedBatchesDeadLetters: sqs.Queue;
  /** The mapping, when a source is configured. */
  readonly mapping?: lambda.EventSourceMapping;
  /** The sinks' names, in order: the dashboard has a row for each. */
  readonly sinkNames: readonly string[];

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);
    const key =
      (props.customerManagedKey ?? true)
        ? new kms.Key(this, 'QueueKey', { description: 'Processor failure queues', enableKeyRotation: true })
        : undefined;
    const encryption = key
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    this.failedBatchesDeadLetters = new sqs.Queue(this, 'FailedBatchesDeadLetters', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.failedBatches = new sqs.Queue(this, 'FailedBatches', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.failedBatchesDeadLetters, maxReceiveCount: 5 },
    });
    Validations.of(this.failedBatchesDeadLetters).acknowledge({
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason: 'This queue is the dead-letter queue of FailedBatches; its depth is alarmed.',
    });

    let securityGroups: ec2.SecurityGroup[] | undefined;
    if (props.network) {
      securityGroups = [
        new ec2.SecurityGroup(this, 'ProcessorSecurityGroup', {
          vpc: props.network.vpc,
          description: 'Processor: to RDS Proxy and the AWS endpoints (Keyspaces, Secrets Manager)',
          allowAllOutbound: true,
        }),
      ];
    }
    this.processor = new PipelineFunction(this, 'Processor', {
      entry: 'processor/handler.ts',
      serviceName: 'processor',
      description: 'MSK users_created → PostgreSQL (RDS Proxy) + Amazon Keyspaces',
      memorySizeMiB: props.memorySizeMiB,
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: props.reservedConcurrency,
      // cassandra-driver requires adm-zip only for Astra secure connect bundles, which Keyspaces never uses.
      bundlingAliases: {
        'adm-zip': lambdaEntry(ADM_ZIP_SHIM),
      },
      noDeadLetterQueueReason:
        'Invoked by the MSK event source mapping, whose on-failure destination (FailedBatches) keeps failed batches.',
      logRetentionDays: props.logRetentionDays,
      environment: Object.assign({}, ...props.sinks.map((sink) => sink.environment)),
      ...(props.network && securityGroups
        ? { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups }
        : {}),
    });
    const fn = this.processor.function;
    for (const sink of props.sinks) sink.grant(fn);
    this.sinkNames = props.sinks.map((sink) => sink.name);

    if (props.source) this.mapping = this.addMskSource(fn, props.source, props.mapping);
    if (key) {
      Validations.of(this.processor.role).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          reason:
            'Sending to the KMS-encrypted failure queue needs data keys of that one key (resource scoped).',
        },
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
          reason: 'Granted by Queue.grantSendMessages on the failure queue key only (resource scoped).',
        },
      );
    }
  }

  private addMskSource(
    fn: lambda.Function,
    source: MskSource,
    settings: MappingSettings,
  ): lambda.EventSourceMapping {
    const provisioned = settings.provisionedPollers;
    const mapping = fn.addEventSourceMapping('MskSource', {
      eventSourceArn: source.clusterArn,
      kafkaTopic: source.topicName,
      kafkaConsumerGroupId: source.consumerGroupId,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: settings.batchSize,
      maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
      onFailure: new SqsDlq(this.failedBatches),
      metricsConfig: {
        metrics: [
          lambda.MetricType.EVENT_COUNT,
          lambda.MetricType.ERROR_COUNT,
          lambda.MetricType.KAFKA_METRICS,
        ],
      },
      ...(provisioned
        ? {
            provisionedPollerConfig: {
              minimumPollers: provisioned.minimum,
              maximumPollers: provisioned.maximum,
            },
            retryAttempts: settings.retryAttempts ?? 10,
            bisectBatchOnError: true,
          }
        : {}),
    });
    mapping.node.addDependency(source.dependsOn);

    // What the mapping's pollers do with the function's role (least privilege, no managed policy).
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      resourceArns: [source.clusterArn],
    });
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
      resourceArns: [source.clusterArn],
    });
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resourceArns: [source.topicArn],
    });
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resourceArns: [source.groupArn],
    });
    iam.Grant.addToPrincipal({
      grantee: fn,
      // The pollers attach to the cluster's subnets; these describe calls take no resource ARN.
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      resourceArns: ['*'],
    });
    return mapping;
  }
}
