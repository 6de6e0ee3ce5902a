import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { ResolvedStageConfig } from '../config/stage-settings.js';
import { Ingestion } from '../constructs/ingestion/ingestion.js';
import {
  KEYSPACES_PORT,
  KeyspacesStore,
  SIGNUP_DAY_TABLE_VARIABLE,
} from '../constructs/keyspaces/keyspaces-store.js';
import { localCassandraSinkAccess } from '../constructs/keyspaces/local-sink-access.js';
import { Network } from '../constructs/network/network.js';
import { Observability } from '../constructs/observability/observability.js';
import { DEAD_LETTER_RETENTION_VARIABLE } from '../constructs/orchestration/airflow-variables.js';
import { Orchestration } from '../constructs/orchestration/orchestration.js';
import { FailedBatchesReplay } from '../constructs/processing/failed-batches-replay.js';
import { Processing } from '../constructs/processing/processing.js';
import { localPostgresSinkAccess } from '../constructs/relational-store/local-sink-access.js';
import {
  DATABASE_NAME,
  POSTGRES_PORT,
  RelationalStore,
} from '../constructs/relational-store/relational-store.js';
import { type ServiceAccess, staticAccess } from '../constructs/shared/access.js';
import { LogEncryption } from '../constructs/shared/log-encryption.js';
import { Streaming } from '../constructs/streaming/streaming.js';
import { Verification } from '../constructs/verification/verification.js';
import { STACK_OUTPUTS } from './stack-outputs.js';

const SECONDS_PER_DAY = 86_400;

/** Project name: prefix of SSM parameter names and value of the `project` tag. */
export const PROJECT_NAME = 'realtime-user-pipeline';

/**
 * The per-stage settings {@link PipelineStack} uses: the resolved stage configuration of `bin/config`
 * without the deployment environment (which goes to the stack props).
 */
export type PipelineSettings = Omit<ResolvedStageConfig, 'account' | 'region' | 'terminationProtection'>;

/** Props of {@link PipelineStack}. */
export interface PipelineStackProps extends StackProps {
  /** Per-stage settings. */
  readonly config: PipelineSettings;
}

/** SSM parameter name under which a stage publishes its Kafka topic name. */
export function topicNameParameterName(stageName: string): string {
  return `/${PROJECT_NAME}/${stageName}/topic-name`;
}

/** Amazon Keyspaces keyspace of a stage: keyspaces are named per account and region, like every stage name. */
export function stageKeyspaceName(stageName: string): string {
  return `pipeline_${stageName}`;
}

/** Consumer group of the processor's event source mapping. */
export function processorConsumerGroup(stageName: string): string {
  return `${PROJECT_NAME}-${stageName}-processor`;
}

/** Consumer group with which `replay_failed_batches` records its progress through the failure topic. */
export function failedBatchesReplayGroup(stageName: string): string {
  return `${PROJECT_NAME}-${stageName}-failed-batches-replay`;
}

/** What every stage has, whatever its target. */
export interface PipelineParts {
  readonly ingestion: Ingestion;
  readonly processing: Processing;
  readonly observability: Observability;
}

/** What only `aws` stages have. */
export interface AwsParts {
  readonly network: Network;
  readonly streaming: Streaming;
  readonly relationalStore: RelationalStore;
  readonly keyspaces: KeyspacesStore;
  readonly orchestration: Orchestration;
  readonly verification: Verification;
}

/** What an `aws` stage's functions and MWAA connect to, built first. */
interface AwsDataLayer {
  readonly network: Network;
  /** The VPC and its private subnets, where every function and MWAA run. */
  readonly placement: { readonly vpc: ec2.IVpc; readonly subnets: ec2.SubnetSelection };
  readonly streaming: Streaming;
  readonly relationalStore: RelationalStore;
  readonly keyspaces: KeyspacesStore;
}

/**
 * The whole pipeline of one stage. The stack only wires constructs from `lib/constructs` together;
 * resources are defined in those constructs.
 */
export class PipelineStack extends Stack {
  /** Kafka topic for newly created users. */
  readonly topicName: string;
  /** The stage's parts. */
  readonly parts: PipelineParts;
  /** The AWS-only parts (undefined for the LocalStack stage). */
  readonly awsParts?: AwsParts;
  private readonly azCount: number;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const config = props.config;
    this.topicName = config.topicName;
    this.azCount = config.network.maxAzs;

    // Published so the MWAA DAGs and operator scripts read the topic from one place.
    new StringParameter(this, 'TopicNameParameter', {
      parameterName: topicNameParameterName(config.stageName),
      description: 'Kafka topic that receives created users',
      stringValue: this.topicName,
    });

    if (config.target === 'aws') {
      const built = this.buildAws(config);
      this.awsParts = built.aws;
      this.parts = built.parts;
    } else {
      this.parts = this.buildLocal(config);
    }
    this.publishOutputs(this.parts, this.awsParts);
  }

  /** The outputs `npm run verify` and operators read (lib/stacks/stack-outputs.ts). */
  private publishOutputs(parts: PipelineParts, aws: AwsParts | undefined): void {
    const outputs: Partial<Record<keyof typeof STACK_OUTPUTS, string | undefined>> = {
      apiUrl: parts.ingestion.api.url,
      apiKeyId: parts.ingestion.apiKey?.keyId,
      dashboardName: parts.observability.dashboard.dashboardName,
      alarmNames: parts.observability.alarmNames.join(','),
      pullFunctionName: parts.ingestion.pullFunction.function.functionName,
      processorFunctionName: parts.processing.processor.function.functionName,
      eventSourceMappingUuid: parts.processing.mapping?.eventSourceMappingId,
      verificationFunctionName: aws?.verification.function.function.functionName,
      kafkaClusterArn: aws?.streaming.clusterArn,
      topicName: aws?.streaming.topicName,
      failureTopicName: aws?.streaming.failureTopicName,
      mwaaEnvironmentName: aws?.orchestration.environmentName,
    };
    for (const [role, value] of Object.entries(outputs)) {
      if (value) new CfnOutput(this, STACK_OUTPUTS[role as keyof typeof STACK_OUTPUTS], { value });
    }
  }

  /**
   * AZs as `Fn::GetAZs` selections, for environment-agnostic and environment-specific stacks alike, so synth
   * never looks AZs up in the account (no credentials needed).
   */
  override get availabilityZones(): string[] {
    return Array.from({ length: this.azCount ?? 2 }, (_, index) => Fn.select(index, Fn.getAzs()));
  }

  /** An `aws` stage: the data layer, then ingestion, processing, orchestration, verification, observability. */
  private buildAws(config: PipelineSettings): { parts: PipelineParts; aws: AwsParts } {
    const retention = config.observability.logRetentionDays;
    const data = this.buildAwsDataLayer(config);
    const { network, streaming, relationalStore, keyspaces, placement } = data;
    const kafkaAccess = mskProducerAccess(config, streaming);
    const ingestion = new Ingestion(this, 'Ingestion', {
      stageName: config.stageName,
      kafka: kafkaAccess,
      network: placement,
      auth: config.api.auth,
      throttleRateLimit: config.api.throttleRateLimit,
      throttleBurstLimit: config.api.throttleBurstLimit,
      waf: config.api.waf,
      wafRequestsPerIpPer5Minutes: config.api.wafRequestsPerIpPer5Minutes,
      pullSchedule: config.pullSchedule,
      logRetentionDays: retention,
    });
    const processing = this.buildAwsProcessing(config, data);
    const failedBatchesReplay = this.buildFailedBatchesReplay(config, data);
    const orchestration = this.buildOrchestration(config, data, ingestion, failedBatchesReplay);

    // npm run verify reads the stores from inside the VPC and produces its poison record through this function.
    const verification = new Verification(this, 'Verification', {
      network: placement,
      access: [relationalStore.readerAccess('Verification function'), keyspaces.readerAccess(), kafkaAccess],
      logRetentionDays: retention,
    });
    verification.function.function.node.addDependency(relationalStore.migrations);

    const observability = new Observability(this, 'Observability', {
      ...applicationSignals(config, ingestion, processing),
      ...(processing.mapping
        ? {
            mapping: {
              functionName: processing.processor.function.functionName,
              uuid: processing.mapping.eventSourceMappingId,
              failureTopicName: streaming.failureTopicName,
            },
          }
        : {}),
      kafka: {
        clusterName: streaming.clusterName,
        brokerCount: config.streaming.kind === 'provisioned' ? config.streaming.brokerCount : 0,
      },
      database: {
        instanceIdentifier: relationalStore.instance.instanceIdentifier,
        allocatedStorageGiB: config.database.allocatedStorageGiB,
      },
      keyspaces: { keyspace: keyspaces.keyspaceName, tables: [...keyspaces.tables.keys()] },
      mwaa: { environmentName: orchestration.environmentName },
      ...(config.observability.alarmEmail ? { alarmEmail: config.observability.alarmEmail } : {}),
    });
    return {
      parts: { ingestion, processing, observability },
      aws: { network, streaming, relationalStore, keyspaces, orchestration, verification },
    };
  }

  /** Log encryption, the VPC, MSK, RDS and Keyspaces: what the functions and MWAA connect to. */
  private buildAwsDataLayer(config: PipelineSettings): AwsDataLayer {
    const retention = config.observability.logRetentionDays;
    new LogEncryption(this, 'LogEncryption');
    const network = new Network(this, 'Network', {
      maxAzs: config.network.maxAzs,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: retention,
    });
    const vpc = network.vpc;
    const subnets = network.privateSubnets;
    const protect = config.database.deletionProtection;

    const streaming = new Streaming(this, 'Streaming', {
      stageName: config.stageName,
      vpc,
      subnets,
      cluster: config.streaming,
      topic: { name: config.topicName, ...config.topic },
      failureTopic: config.processor.failureDestination,
      logRetentionDays: retention,
      retainOnDelete: protect,
    });
    const relationalStore = new RelationalStore(this, 'RelationalStore', {
      instanceIdentifier: `${PROJECT_NAME}-${config.stageName}`,
      vpc,
      subnets,
      ...config.database,
      logRetentionDays: retention,
    });
    const keyspaces = new KeyspacesStore(this, 'Keyspaces', {
      keyspaceName: stageKeyspaceName(config.stageName),
      retainOnDelete: protect,
      connectionsPerHost: config.processor.keyspacesConnectionsPerHost,
      signupDay: config.signupDayTable,
      userRowsTtlSeconds: config.retention.userRowsTtlDays * SECONDS_PER_DAY,
    });
    return { network, placement: { vpc, subnets }, streaming, relationalStore, keyspaces };
  }

  /** The processor on the MSK event source mapping, writing to both stores once they are migrated. */
  private buildAwsProcessing(config: PipelineSettings, data: AwsDataLayer): Processing {
    const { streaming, relationalStore, keyspaces } = data;
    const consumerGroupId = processorConsumerGroup(config.stageName);
    const processing = new Processing(this, 'Processing', {
      // The stores the processor writes, in its sink order (lambdas/processor/sinks/index.ts).
      sinks: [relationalStore.sinkAccess(), keyspaces.sinkAccess()],
      source: {
        clusterArn: streaming.clusterArn,
        topicName: config.topicName,
        topicArn: streaming.arns.topic(config.topicName),
        groupArn: streaming.arns.group(consumerGroupId),
        consumerGroupId,
        failureTopic: {
          name: streaming.failureTopicName,
          arn: streaming.arns.topic(streaming.failureTopicName),
        },
        dependsOn: [streaming.topicResource, streaming.failureTopicResource],
      },
      mapping: config.processor,
      network: data.placement,
      reservedConcurrency: config.processor.reservedConcurrency,
      memorySizeMiB: config.processor.memorySizeMiB,
      logRetentionDays: config.observability.logRetentionDays,
    });
    // Tables must exist and be migrated before records arrive.
    processing.mapping?.node.addDependency(relationalStore.migrations, ...keyspaces.tables.values());
    return processing;
  }

  /** The function `replay_failed_batches` invokes: it reads the failure topic and writes the main topic. */
  private buildFailedBatchesReplay(config: PipelineSettings, data: AwsDataLayer): FailedBatchesReplay {
    const { streaming } = data;
    const replayGroup = failedBatchesReplayGroup(config.stageName);
    const failedBatchesReplay = new FailedBatchesReplay(this, 'FailedBatchesReplay', {
      clusterArn: streaming.clusterArn,
      failureTopicName: streaming.failureTopicName,
      groupId: replayGroup,
      network: data.placement,
      grantKafka: (grantee) => {
        streaming.grantConsume(grantee, streaming.failureTopicName, replayGroup);
        streaming.grantProduce(grantee);
      },
      allowIntoKafka: (sg) => streaming.allowClient(sg, 'Failed-batches replay'),
      logRetentionDays: config.observability.logRetentionDays,
    });
    failedBatchesReplay.function.function.node.addDependency(
      streaming.topicResource,
      streaming.failureTopicResource,
    );
    return failedBatchesReplay;
  }

  /** MWAA, with the grants, Variables and connections its DAGs need. */
  private buildOrchestration(
    config: PipelineSettings,
    data: AwsDataLayer,
    ingestion: Ingestion,
    failedBatchesReplay: FailedBatchesReplay,
  ): Orchestration {
    const { streaming, relationalStore, keyspaces } = data;
    return new Orchestration(this, 'Orchestration', {
      stageName: config.stageName,
      ...data.placement,
      ...config.orchestration,
      pullFunction: ingestion.pullFunction.function,
      // The DAGs log in as pipeline_reader, never as the master user.
      databaseSecret: relationalStore.reader.secret,
      grants: [
        (role) => keyspaces.grantRead(role),
        (role) => streaming.grantProduce(role),
        // replay_failed_batches invokes the replay function, which holds the Kafka rights.
        (role) => failedBatchesReplay.function.function.grantInvoke(role),
      ],
      variables: {
        replay_failed_batches_function_name: failedBatchesReplay.function.function.functionName,
        [SIGNUP_DAY_TABLE_VARIABLE]: keyspaces.dayTableVariable(),
        [DEAD_LETTER_RETENTION_VARIABLE]: String(config.retention.deadLetterRawBytesDays),
      },
      allowInto: [
        (sg) => relationalStore.allowProxyFrom(sg, 'MWAA workers'),
        (sg) => streaming.allowClient(sg, 'MWAA workers (replay)'),
      ],
      connections: airflowConnections(data, this.region),
      logRetentionDays: config.observability.logRetentionDays,
    });
  }

  private buildLocal(config: PipelineSettings): PipelineParts {
    const local = config.localEndpoints;
    const retention = config.observability.logRetentionDays;
    const ingestion = new Ingestion(this, 'Ingestion', {
      stageName: config.stageName,
      kafka: staticAccess({
        KAFKA_AUTH: 'none',
        KAFKA_BROKERS: local.kafkaBrokers,
        KAFKA_TOPIC: config.topicName,
      }),
      auth: config.api.auth,
      throttleRateLimit: config.api.throttleRateLimit,
      throttleBurstLimit: config.api.throttleBurstLimit,
      waf: false,
      executionLogging: false,
      randomUserBaseUrl: local.randomUserBaseUrl,
      logRetentionDays: retention,
    });
    const processing = new Processing(this, 'Processing', {
      // The LocalStack stage's sinks, in the processor's order (lambdas/processor/sinks/index.ts).
      sinks: [localPostgresSinkAccess(this, local), localCassandraSinkAccess(local, config.signupDayTable)],
      mapping: config.processor,
      reservedConcurrency: config.processor.reservedConcurrency,
      memorySizeMiB: config.processor.memorySizeMiB,
      logRetentionDays: retention,
    });
    const observability = new Observability(this, 'Observability', {
      ...applicationSignals(config, ingestion, processing),
      alarms: false,
    });
    return { ingestion, processing, observability };
  }
}

/**
 * What every stage observes the same way: the API, the three functions, the schedule's dead letters and the
 * stage's alarm thresholds.
 */
function applicationSignals(config: PipelineSettings, ingestion: Ingestion, processing: Processing) {
  const stageName = config.stageName;
  return {
    stageName,
    offsetLagThreshold: config.observability.offsetLagThreshold,
    endToEndLatencyP99ThresholdMs: config.observability.endToEndLatencyP99ThresholdMs,
    sinks: processing.sinkNames,
    api: { apiName: ingestion.api.restApiName, stageName },
    functions: {
      ingestHttp: ingestion.httpFunction.function.functionName,
      ingestPull: ingestion.pullFunction.function.functionName,
      processor: processing.processor.function.functionName,
    },
    // Only a stage with a pull schedule has its dead-letter queue (not LocalStack).
    deadLetterQueues: ingestion.scheduleDeadLetters
      ? [{ queueName: ingestion.scheduleDeadLetters.queueName, label: 'Schedule dead letters' }]
      : [],
  };
}

/** Producing to the MSK topic over IAM: the producer environment, the grant, the topic dependency, the port. */
function mskProducerAccess(config: PipelineSettings, streaming: Streaming): ServiceAccess {
  return {
    environment: {
      KAFKA_AUTH: 'iam',
      MSK_CLUSTER_ARN: streaming.clusterArn,
      KAFKA_TOPIC: config.topicName,
    },
    grant: (client) => {
      streaming.grantProduce(client);
      // A producer may run as soon as it exists (the pull schedule, the API): the topic must be there first.
      if (Construct.isConstruct(client)) client.node.addDependency(streaming.topicResource);
      if (client.connections)
        streaming.allowClient(client.connections.securityGroups[0] as ec2.ISecurityGroup, 'Producer Lambda');
    },
  };
}

/** The Airflow connections of the DAGs: PostgreSQL through the proxy, Keyspaces over SigV4, MSK over IAM. */
function airflowConnections(data: AwsDataLayer, region: string): Record<string, Record<string, unknown>> {
  const { streaming, relationalStore, keyspaces } = data;
  return {
    pipeline_postgres: {
      conn_type: 'postgres',
      host: relationalStore.proxy.endpoint,
      port: POSTGRES_PORT,
      schema: DATABASE_NAME,
      extra: { sslmode: 'require' },
    },
    pipeline_cassandra: {
      conn_type: 'cassandra',
      host: keyspaces.endpointHost,
      port: KEYSPACES_PORT,
      schema: keyspaces.keyspaceName,
      extra: { auth: 'sigv4', region, ssl: true, local_dc: region, consistency: 'LOCAL_QUORUM' },
    },
    pipeline_kafka: {
      conn_type: 'kafka',
      extra: {
        cluster_arn: streaming.clusterArn,
        auth: 'msk_iam',
        region,
        security_protocol: 'SASL_SSL',
      },
    },
  };
}
