import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KafkaDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IDependable } from 'constructs';
import { Construct } from 'constructs';
import type { ProcessorSettings } from '../../config/stage-settings.js';
import { MAPPING_METRIC_GROUPS } from '../observability/definition/metrics/lambda.js';
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
  /** The failure topic on the same cluster: the mapping's on-failure destination (`KafkaDlq`). */
  readonly failureTopic: { readonly name: string; readonly arn: string };
  /** What must exist before the mapping starts (the topic custom resources). */
  readonly dependsOn: readonly IDependable[];
}

/**
 * Event source mapping batching, scaling and failure handling, as the stage's processor settings declare them.
 * `provisionedPollers` is required with a source: retry limits, bisection, the record age and a Kafka
 * on-failure destination exist only in provisioned mode.
 */
export type MappingSettings = Pick<
  ProcessorSettings,
  | 'batchSize'
  | 'maxBatchingWindowSeconds'
  | 'provisionedPollers'
  | 'retryAttempts'
  | 'bisectBatchOnError'
  | 'maxRecordAgeSeconds'
>;

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
}

/**
 * The processor Lambda behind the MSK event source mapping: reads `users_created` from the start
 * (TRIM_HORIZON), writes PostgreSQL and Keyspaces, retries a failing batch a bounded number of times,
 * bisecting it, and then writes its records, with the failure metadata, to the failure topic (`KafkaDlq`).
 */
export class Processing extends Construct {
  /** The processor. */
  readonly processor: PipelineFunction;
  /** The mapping, when a source is configured. */
  readonly mapping?: lambda.EventSourceMapping;
  /** The sinks' names, in order: the dashboard has a row for each. */
  readonly sinkNames: readonly string[];

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);

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
        'Invoked by the MSK event source mapping, whose on-failure destination (the failure topic) keeps failed records.',
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
  }

  private addMskSource(
    fn: lambda.Function,
    source: MskSource,
    settings: MappingSettings,
  ): lambda.EventSourceMapping {
    const provisioned = settings.provisionedPollers;
    if (!provisioned) {
      throw new ProvisionedPollersRequiredError(
        'The MSK mapping needs provisioned pollers: retry limits, bisection and a Kafka failure topic need them.',
      );
    }
    const mapping = fn.addEventSourceMapping('MskSource', {
      eventSourceArn: source.clusterArn,
      kafkaTopic: source.topicName,
      kafkaConsumerGroupId: source.consumerGroupId,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: settings.batchSize,
      maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
      onFailure: new KafkaDlq(source.failureTopic.name),
      provisionedPollerConfig: { minimumPollers: provisioned.minimum, maximumPollers: provisioned.maximum },
      retryAttempts: settings.retryAttempts,
      bisectBatchOnError: settings.bisectBatchOnError,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      // Exactly the metric groups the dashboard definition reads (each group is billed as custom metrics).
      metricsConfig: { metrics: mappingMetricTypes() },
    });
    mapping.node.addDependency(...source.dependsOn);

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
    // The pollers produce failed records to the failure topic, and to no other.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resourceArns: [source.failureTopic.arn],
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

/** The `MetricsConfig` groups of the mapping: those of the metrics the dashboard definition reads. */
export function mappingMetricTypes(): lambda.MetricType[] {
  const groups = new Set<string>(Object.values(MAPPING_METRIC_GROUPS));
  return Object.values(lambda.MetricType).filter((type) => groups.has(type));
}

/** Thrown when an MSK mapping is configured without provisioned pollers. */
export class ProvisionedPollersRequiredError extends Error {
  override readonly name = 'ProvisionedPollersRequiredError';
}
