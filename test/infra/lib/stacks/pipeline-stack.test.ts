import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidStageConfigError,
  loadStageConfig,
  MSK_KAFKA_VERSION,
  resolveStageConfig,
  STAGE_NAMES,
  type StageName,
} from '../../../../bin/config/index.js';
import { pipelineStackName } from '../../../../bin/pipeline-app.js';
import { IngestHttpMetric } from '../../../../lambdas/ingest-http/metric-names.js';
import {
  PIPELINE_METRICS_NAMESPACE,
  ProcessorMetric,
  sinkMetricNames,
} from '../../../../lambdas/processor/metric-names.js';
import { PROCESSOR_SINK_NAMES } from '../../../../lambdas/processor/sinks/index.js';
import {
  CASSANDRA_TABLES,
  keyspaceTables,
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  toKeyspacesTableSchemaDefinition,
} from '../../../../lambdas/shared/schema/cassandra/index.js';
import { DEAD_LETTER_RETENTION_VARIABLE } from '../../../../lib/constructs/orchestration/airflow-variables.js';
import {
  AIRFLOW_VERSION,
  CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION,
} from '../../../../lib/constructs/orchestration/airflow-version.js';
import {
  DAG_S3_PATH,
  REQUIREMENTS_S3_PATH,
} from '../../../../lib/constructs/orchestration/mwaa-environment.js';
import { migrationsHash } from '../../../../lib/constructs/relational-store/migrations-hash.js';
import {
  PROJECT_NAME,
  processorConsumerGroup,
  stageKeyspaceName,
  topicNameParameterName,
} from '../../../../lib/stacks/pipeline-stack.js';
import { KAFKA_VERSION } from '../../../../local/services/config.js';
import {
  cleanUpSyntheses,
  repoRoot,
  resourcesOfType,
  type SynthesizedStage,
  synthStage,
} from '../../support/pipeline-fixture.js';

afterAll(cleanUpSyntheses);

const AWS_STAGES = ['dev', 'prod'] as const;

/** Functions aws-cdk-lib vendors whose runtime the project cannot choose (logical id prefix → why). */
const VENDORED_FUNCTIONS: Record<string, string> = {
  CustomCDKBucketDeployment: 'BucketDeployment handler: Python with the AWS CLI layer',
};

/** What the LocalStack stage may contain: the services LocalStack's free edition serves. */
const LOCAL_ALLOWED_TYPES = new Set([
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::CloudWatch::Dashboard',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::SSM::Parameter',
  'AWS::SecretsManager::Secret',
]);

function onlyLogicalId(stage: SynthesizedStage, type: string, prefix: string): string {
  const ids = resourcesOfType(stage, type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0] as string;
}

describe.each(STAGE_NAMES)('every stage: %s', (stageName: StageName) => {
  const stage = () => synthStage(stageName);
  const artifact = () => stage().assembly.getStackByName(pipelineStackName(stageName));

  it('has exactly one stack, named Pipeline-<stage>', () => {
    expect(stage().assembly.stacks.map((s) => s.stackName)).toEqual([`Pipeline-${stageName}`]);
    expect(stage().stack.stackName).toBe(`Pipeline-${stageName}`);
  });

  it('tags the stack with project and stage, protects only prod, deploys to the configured environment', () => {
    expect(artifact().tags).toEqual({ project: PROJECT_NAME, stage: stageName });
    expect(artifact().terminationProtection).toBe(stageName === 'prod');
    const expected = stageName === 'local' ? '000000000000/us-east-1' : '111122223333/eu-west-1';
    expect(`${artifact().environment.account}/${artifact().environment.region}`).toBe(expected);
  });

  it('publishes the topic name in a per-stage SSM parameter', () => {
    stage().template.resourceCountIs('AWS::SSM::Parameter', 1);
    stage().template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: topicNameParameterName(stageName),
      Type: 'String',
      Value: 'users_created',
    });
    expect(topicNameParameterName(stageName)).toBe(`/realtime-user-pipeline/${stageName}/topic-name`);
  });

  it('needs no context lookups, so synth never calls AWS', () => {
    expect(stage().assembly.manifest.missing ?? []).toEqual([]);
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(stage().report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it('records every acknowledgement on a construct below the stack, with a real reason', () => {
    const acknowledged = stage().report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    for (const finding of acknowledged) {
      expect(finding.acknowledgedId).toMatch(/^(AwsSolutions|Serverless)::/);
      expect(finding.reason.length, finding.acknowledgedId).toBeGreaterThan(40);
      for (const construct of finding.violatingConstructs) {
        expect(construct.constructPath.split('/').length).toBeGreaterThan(2);
      }
    }
  });

  it('runs every project function on nodejs24.x/arm64 with tracing, retention-bound logs and Powertools', () => {
    const functions = resourcesOfType(stage(), 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(3);
    const retention = new Map(
      resourcesOfType(stage(), 'AWS::Logs::LogGroup').map(([id, r]) => [id, r.Properties?.RetentionInDays]),
    );
    for (const [id, fn] of functions) {
      const vendored = Object.keys(VENDORED_FUNCTIONS).some((prefix) => id.startsWith(prefix));
      const props = fn.Properties ?? {};
      if (vendored) {
        expect(props.Runtime).toMatch(/^python3\./);
        continue;
      }
      expect(props.Runtime, id).toBe('nodejs24.x');
      expect(props.Architectures, id).toEqual(['arm64']);
      if (id.startsWith('CustomVpcRestrictDefaultSG')) continue;
      const logGroup = (props.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
      expect(logGroup, `${id} has an explicit log group`).toBeDefined();
      expect(retention.get(logGroup as string), `${id} log retention`).toBeGreaterThan(0);
      if (id.includes('framework')) continue;
      expect(props.TracingConfig, id).toEqual({ Mode: 'Active' });
      const env = (props.Environment as { Variables: Record<string, string> }).Variables;
      expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe(PIPELINE_METRICS_NAMESPACE);
      expect(env.POWERTOOLS_SERVICE_NAME).toMatch(/^[a-z-]+$/);
    }
  });

  it('has no Lambda runtime other than nodejs24.x outside the vendored allow-list', () => {
    const runtimes = new Set(
      resourcesOfType(stage(), 'AWS::Lambda::Function')
        .filter(([id]) => !Object.keys(VENDORED_FUNCTIONS).some((prefix) => id.startsWith(prefix)))
        .map(([, fn]) => fn.Properties?.Runtime),
    );
    expect([...runtimes]).toEqual(['nodejs24.x']);
  });

  it('throttles the API stage at the configured rate, logs access as JSON and traces', () => {
    const { api } = stage().config;
    stage().template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: stageName,
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: api.throttleRateLimit,
          ThrottlingBurstLimit: api.throttleBurstLimit,
        }),
      ]),
    });
  });

  it('validates POST /v1/users bodies against the contract model and authenticates per stage', () => {
    const { template, config } = stage();
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({
        anyOf: Match.arrayWith([Match.objectLike({ required: ['users'] })]),
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: Match.anyValue(),
      RequestModels: { 'application/json': Match.anyValue() },
      ...(config.api.auth === 'iam' ? { AuthorizationType: 'AWS_IAM' } : { ApiKeyRequired: true }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'NONE',
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', config.api.waf ? 1 : 0);
  });

  it('has DELETE /v1/users/{id} with the same caller authentication as POST and its declared parameters', () => {
    const { template, config } = stage();
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{id}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'DELETE',
      RequestValidatorId: Match.anyValue(),
      RequestParameters: {
        'method.request.path.id': true,
        'method.request.querystring.reason': false,
      },
      ...(config.api.auth === 'iam' ? { AuthorizationType: 'AWS_IAM' } : { ApiKeyRequired: true }),
    });
    // Nothing but health is unauthenticated.
    const open = resourcesOfType(stage(), 'AWS::ApiGateway::Method').filter(
      ([, method]) =>
        method?.Properties?.ApiKeyRequired !== true && method?.Properties?.AuthorizationType !== 'AWS_IAM',
    );
    expect(open.map(([, method]) => method?.Properties?.HttpMethod)).toEqual(['GET']);
  });

  it('has one dashboard whose widgets use the metric names the Lambdas emit', () => {
    const [, dashboard] = resourcesOfType(stage(), 'AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    for (const name of [
      ProcessorMetric.recordsValid,
      ProcessorMetric.recordsInvalid,
      sinkMetricNames('cassandra').writeLatency,
      sinkMetricNames('postgres').writeFailures,
      IngestHttpMetric.eventsProduced,
      '5XXError',
    ]) {
      expect(body).toContain(name);
    }
    // The schedule's dead-letter queue exists on AWS stages only (LocalStack has no scheduler).
    if (stage().config.target === 'aws') expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(resourcesOfType(stage(), 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('wires the processor to the sinks of the processor code, in order, with a dashboard row for each', () => {
    const { stack } = stage();
    expect(stack.parts.processing.sinkNames).toEqual([...PROCESSOR_SINK_NAMES]);
    const [, dashboard] = resourcesOfType(stage(), 'AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    // Row headings read `### <segment> · Sink: <name>` (the processor segment of the dashboard definition).
    const rows = PROCESSOR_SINK_NAMES.map((sink) => body.indexOf(`· Sink: ${sink}`));
    expect(rows.every((at) => at >= 0)).toBe(true);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
  });
});

describe.each(AWS_STAGES)('AWS stage %s', (stageName) => {
  const stage = () => synthStage(stageName);

  it('consumes users_created from the start with the configured batching, retries and failure topic', () => {
    const s = stage();
    const processor = s.config.processor;
    const pollers = processor.provisionedPollers;
    expect(pollers, 'every AWS stage runs provisioned pollers').toBeDefined();
    const topic = onlyLogicalId(s, 'AWS::MSK::Topic', 'StreamingTopic');
    const failureTopic = onlyLogicalId(s, 'AWS::MSK::Topic', 'StreamingFailureTopic');
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['users_created'],
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: processor.batchSize,
      MaximumBatchingWindowInSeconds: processor.maxBatchingWindowSeconds,
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: processorConsumerGroup(stageName) },
      DestinationConfig: { OnFailure: { Destination: `kafka://${processor.failureDestination.topicName}` } },
      ProvisionedPollerConfig: { MinimumPollers: pollers?.minimum, MaximumPollers: pollers?.maximum },
      MaximumRetryAttempts: processor.retryAttempts,
      BisectBatchOnFunctionError: processor.bisectBatchOnError,
      MaximumRecordAgeInSeconds: processor.maxRecordAgeSeconds,
    });
    const [, mapping] = resourcesOfType(s, 'AWS::Lambda::EventSourceMapping')[0] ?? [];
    expect(mapping?.DependsOn).toEqual(expect.arrayContaining([topic, failureTopic]));
    // The failure topic keeps the records long, on the same cluster, with the main topic's partitions
    // (its layout and configs in detail: test/infra/lib/constructs/streaming/streaming.test.ts).
    s.template.hasResourceProperties('AWS::MSK::Topic', {
      TopicName: processor.failureDestination.topicName,
      PartitionCount: s.config.topic.partitions,
      Configs: {
        'Fn::Base64': Match.stringLikeRegexp(
          `"retention.ms":"${processor.failureDestination.retentionHours * 3_600_000}"`,
        ),
      },
    });
  });

  it('creates the topics before any producer exists (the pull schedule and the API produce at once)', () => {
    const s = stage();
    const topic = onlyLogicalId(s, 'AWS::MSK::Topic', 'StreamingTopic');
    const failureTopic = onlyLogicalId(s, 'AWS::MSK::Topic', 'StreamingFailureTopic');
    const functions = resourcesOfType(s, 'AWS::Lambda::Function');
    const dependsOn = (prefix: string) =>
      functions.find(([id]) => id.startsWith(prefix))?.[1]?.DependsOn ?? [];
    expect(dependsOn('IngestionHttpFunction')).toContain(topic);
    expect(dependsOn('IngestionPullFunction')).toContain(topic);
    expect(dependsOn('FailedBatchesReplay')).toEqual(expect.arrayContaining([topic, failureTopic]));
    // No topic custom resource on a provisioned cluster: the MSK topic API serves it.
    expect(resourcesOfType(s, 'Custom::KafkaTopic')).toEqual([]);
  });

  it('never sends failed batches to SQS or SNS (they would carry offsets, not records)', () => {
    const s = stage();
    for (const [, mapping] of resourcesOfType(s, 'AWS::Lambda::EventSourceMapping')) {
      const destination = JSON.stringify(mapping?.Properties?.DestinationConfig ?? {});
      expect(destination).toMatch(/kafka:\/\//);
      expect(destination).not.toMatch(/sqs|sns|Queue|Topic[A-Z0-9]/i);
    }
    expect(resourcesOfType(s, 'AWS::Lambda::EventSourceMapping')).toHaveLength(1);
  });

  it('lets the processor write the failure topic only, and alarms on anything arriving there', () => {
    const s = stage();
    const failureTopicName = s.config.processor.failureDestination.topicName;
    type Statement = { Action: unknown; Resource: unknown };
    const writes = resourcesOfType(s, 'AWS::IAM::Policy')
      .flatMap(
        ([, policy]) =>
          (policy?.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('kafka-cluster:WriteData"'))
      .map((statement) => JSON.stringify(statement.Resource));
    expect(writes.some((resource: string) => resource.includes(`/${failureTopicName}`))).toBe(true);
    for (const resource of writes) expect(resource).not.toContain('*');
    const failureAlarms = resourcesOfType(s, 'AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm?.Properties)
      .filter((p) => JSON.stringify(p).includes('OnFailureDestinationDeliveredEventCount'));
    expect(failureAlarms).toHaveLength(1);
    expect(failureAlarms[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const [, dashboard] = resourcesOfType(s, 'AWS::CloudWatch::Dashboard')[0] ?? [];
    expect(JSON.stringify(dashboard?.Properties?.DashboardBody)).toContain(
      'OnFailureDestinationDeliveredEventCount',
    );
  });

  it('caps the processor with reserved concurrency', () => {
    stage().template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^MSK users_created'),
      ReservedConcurrentExecutions: stage().config.processor.reservedConcurrency,
      MemorySize: stage().config.processor.memorySizeMiB,
      Environment: {
        Variables: Match.objectLike({
          PGSSL: 'true',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
          PG_SECRET_ARN: Match.anyValue(),
          CASSANDRA_AUTH: 'sigv4',
          CASSANDRA_PORT: '9142',
          CASSANDRA_TLS: 'true',
          CASSANDRA_KEYSPACE: stageKeyspaceName(stageName),
          CASSANDRA_CONSISTENCY: 'LOCAL_QUORUM',
        }),
      },
    });
  });

  it('scopes the processor Kafka rights to its cluster, topic and group', () => {
    const policies = JSON.stringify(
      resourcesOfType(stage(), 'AWS::IAM::Policy').filter(([id]) => id.startsWith('ProcessingProcessorRole')),
    );
    for (const action of [
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeGroup',
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:ReadData',
      'kafka-cluster:DescribeClusterDynamicConfiguration',
      'cassandra:Select',
      'cassandra:Modify',
      'secretsmanager:GetSecretValue',
    ]) {
      expect(policies).toContain(action);
    }
    expect(policies).toContain(`/${processorConsumerGroup(stageName)}`);
    expect(policies).toContain(':topic/');
    expect(policies).not.toContain('"kafka-cluster:*"');
  });

  it('runs MSK with IAM auth only, TLS everywhere, a CMK at rest and broker logs', () => {
    const { streaming } = stage().config;
    if (streaming.kind !== 'provisioned') throw new Error('both AWS stages run provisioned MSK');
    stage().template.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: streaming.kafkaVersion,
      NumberOfBrokerNodes: streaming.brokerCount,
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: streaming.brokerInstanceType }),
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: {
        EncryptionAtRest: { DataVolumeKMSKeyId: Match.anyValue() },
        EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
      },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: Match.anyValue() } } },
    });
    const { topic } = stage().config;
    stage().template.hasResourceProperties('AWS::MSK::Topic', {
      TopicName: 'users_created',
      PartitionCount: topic.partitions,
      ReplicationFactor: topic.replicationFactor,
      Configs: {
        'Fn::Base64': JSON.stringify({
          'min.insync.replicas': String(topic.minInsyncReplicas),
          'retention.ms': String(topic.retentionHours * 3_600_000),
        }),
      },
    });
  });

  it('keeps PostgreSQL 17 private, encrypted, rotated, behind a TLS-only proxy, migrated by hash', () => {
    const { database } = stage().config;
    const t = stage().template;
    t.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp('^17\\.'),
      DBInstanceClass: `db.${database.instanceType}`,
      PubliclyAccessible: false,
      StorageEncrypted: true,
      MultiAZ: database.multiAz,
      DeletionProtection: database.deletionProtection,
      BackupRetentionPeriod: database.backupRetentionDays,
    });
    t.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: database.deletionProtection ? 'Snapshot' : 'Delete',
    });
    t.hasResourceProperties('AWS::RDS::DBProxy', { RequireTLS: true, EngineFamily: 'POSTGRESQL' });
    // The master secret and one secret per application role (migration 0006), each rotated.
    t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 3);
    t.hasResourceProperties('Custom::PostgresMigrations', { MigrationsHash: migrationsHash() });
  });

  it('logs in as least-privilege roles: processor pipeline_writer, DAGs pipeline_reader, master for migrations only', () => {
    const s = stage();
    const { database } = s.config;
    // Logical ids of a secret and of its attachment (which the ARN refers to once attached) share a prefix.
    const master = '"RelationalStoreSecret';
    const writer = '"RelationalStoreWriterSecret';
    const reader = '"RelationalStoreReaderSecret';
    const envOf = (prefix: string): Record<string, unknown> => {
      const properties = s.json.Resources[onlyLogicalId(s, 'AWS::Lambda::Function', prefix)]?.Properties;
      return (properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    };
    expect(envOf('ProcessingProcessorFunction')).toMatchObject({ PGUSER: 'pipeline_writer' });
    expect(JSON.stringify(envOf('ProcessingProcessorFunction').PG_SECRET_ARN)).toContain(writer);
    expect(JSON.stringify(envOf('RelationalStoreMigrationsFunction').PG_SECRET_ARN)).toContain(master);
    expect(envOf('RelationalStoreMigrationsFunction')).toMatchObject({ PGUSER: 'pipeline_admin' });
    // The proxy serves the application roles only; the master user cannot log in through it.
    const proxy = resourcesOfType(s, 'AWS::RDS::DBProxy')[0]?.[1].Properties as { Auth: unknown[] };
    expect(JSON.stringify(proxy.Auth)).toContain(writer);
    expect(JSON.stringify(proxy.Auth)).toContain(reader);
    expect(JSON.stringify(proxy.Auth)).not.toContain(master);
    // MWAA reads the reader's secret, never the master's.
    const mwaaPolicies = resourcesOfType(s, 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('OrchestrationExecutionRole'),
    );
    expect(JSON.stringify(mwaaPolicies)).toContain(reader);
    expect(JSON.stringify(mwaaPolicies)).not.toContain(master);
    s.template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: Match.stringLikeRegexp('pipeline_admin'),
        }),
      }),
      DeletionPolicy: database.deletionProtection ? 'Retain' : 'Delete',
    });
    s.template.hasResourceProperties('AWS::RDS::DBInstance', {
      EnablePerformanceInsights: database.performanceInsights ? true : Match.absent(),
      MonitoringInterval:
        database.enhancedMonitoringIntervalSeconds > 0
          ? database.enhancedMonitoringIntervalSeconds
          : Match.absent(),
    });
  });

  it('encrypts every log group with the customer-managed logs key', () => {
    const s = stage();
    const key = onlyLogicalId(s, 'AWS::KMS::Key', 'LogEncryptionKey');
    const groups = resourcesOfType(s, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(10);
    for (const [id, group] of groups)
      expect(group.Properties?.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
  });

  it('gives every checkov skip a reason of at least 40 characters, on the resource it concerns', () => {
    const skipped = Object.entries(stage().json.Resources).flatMap(([id, resource]) => {
      const metadata = (resource as { Metadata?: { checkov?: { skip?: { id: string; comment: string }[] } } })
        .Metadata;
      return (metadata?.checkov?.skip ?? []).map((skip) => ({ resource: id, ...skip }));
    });
    expect(skipped.length).toBeGreaterThan(0);
    for (const skip of skipped) {
      expect(skip.id, skip.resource).toMatch(/^CKV_AWS_\d+$/);
      expect(skip.comment.trim().length, `${skip.id} on ${skip.resource}`).toBeGreaterThanOrEqual(40);
    }
  });

  it('creates the Keyspaces tables from the one schema definition, on demand, with PITR and client timestamps', () => {
    const ttlSeconds = stage().config.retention.userRowsTtlDays * 86_400;
    for (const table of keyspaceTables({ userRowsTtlSeconds: ttlSeconds })) {
      const expected = toKeyspacesTableSchemaDefinition(table);
      const capitalize = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.map(capitalize)
          : value !== null && typeof value === 'object'
            ? Object.fromEntries(
                Object.entries(value).map(([k, v]) => [
                  k.charAt(0).toUpperCase() + k.slice(1),
                  capitalize(v),
                ]),
              )
            : value;
      stage().template.hasResourceProperties('AWS::Cassandra::Table', {
        KeyspaceName: stageKeyspaceName(stageName),
        ...(capitalize(expected) as Record<string, unknown>),
        ClusteringKeyColumns: expected.clusteringKeyColumns
          ? capitalize(expected.clusteringKeyColumns)
          : Match.absent(),
        BillingMode: { Mode: 'ON_DEMAND' },
        PointInTimeRecoveryEnabled: true,
        ClientSideTimestampsEnabled: true,
      });
    }
    stage().template.resourceCountIs('AWS::Cassandra::Table', CASSANDRA_TABLES.length + 1);
  });

  it("expires the user tables after the stage's retention, never the tombstones", () => {
    const ttlSeconds = stage().config.retention.userRowsTtlDays * 86_400;
    const tables = resourcesOfType(stage(), 'AWS::Cassandra::Table').map(([, table]) => ({
      name: table?.Properties?.TableName,
      ttl: table?.Properties?.DefaultTimeToLive,
    }));
    expect(tables).toEqual([
      ...CASSANDRA_TABLES.map((table) => ({
        name: table.name,
        ttl: ttlSeconds > 0 ? ttlSeconds : undefined,
      })),
      { name: 'user_tombstones', ttl: undefined },
    ]);
    // dev expires rows nobody erased; prod keeps them until erased (TTL cannot be turned off again in Keyspaces).
    expect(ttlSeconds > 0).toBe(stageName === 'dev');
  });

  it("gives the DAGs the stage's dead-letter raw-bytes retention as an Airflow variable", () => {
    const days = stage().config.retention.deadLetterRawBytesDays;
    stage().template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `airflow/${stageName}/variables/${DEAD_LETTER_RETENTION_VARIABLE}`,
      SecretString: String(days),
    });
  });

  it('runs MWAA on the Airflow version mwaa-dags is tested with, DAGs from the versioned bucket, all logs on', () => {
    const requirements = readFileSync(join(repoRoot, 'mwaa-dags', 'requirements.txt'), 'utf8');
    expect(requirements).toContain(`constraints-${AIRFLOW_VERSION}/`);
    const { orchestration } = stage().config;
    const enabled = { Enabled: true, LogLevel: 'INFO' };
    stage().template.hasResourceProperties('AWS::MWAA::Environment', {
      AirflowVersion: AIRFLOW_VERSION,
      EnvironmentClass: orchestration.environmentClass,
      MaxWorkers: orchestration.maxWorkers,
      DagS3Path: DAG_S3_PATH,
      RequirementsS3Path: REQUIREMENTS_S3_PATH,
      WebserverAccessMode: 'PRIVATE_ONLY',
      LoggingConfiguration: {
        DagProcessingLogs: enabled,
        SchedulerLogs: enabled,
        TaskLogs: enabled,
        WebserverLogs: enabled,
        WorkerLogs: enabled,
      },
    });
    stage().template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: Match.anyValue(),
    });
    stage().template.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: true });
  });

  it('pulls on the configured schedule with {"count": N}', () => {
    const { pullSchedule } = stage().config;
    stage().template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${pullSchedule.rateMinutes} minutes)`,
      State: pullSchedule.enabled ? 'ENABLED' : 'DISABLED',
      Target: Match.objectLike({ Input: JSON.stringify({ count: pullSchedule.count }) }),
    });
  });

  it('alarms on each critical metric into one encrypted SNS topic', () => {
    const t = stage().template;
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const alarms = resourcesOfType(stage(), 'AWS::CloudWatch::Alarm').map(([, a]) =>
      JSON.stringify(a.Properties),
    );
    for (const metric of [
      '5XXError',
      '"Errors"',
      'OffsetLag',
      'ApproximateNumberOfMessagesVisible',
      'CPUUtilization',
      'FreeStorageSpace',
      'SystemErrors',
      'UnderReplicatedPartitions',
    ]) {
      expect(alarms.filter((a) => a.includes(metric)).length, metric).toBeGreaterThan(0);
    }
    for (const alarm of alarms) expect(alarm).toContain('AlarmActions');
  });

  it('puts NAT gateways and AZs where the stage config says, with flow logs and endpoints', () => {
    const { network } = stage().config;
    stage().template.resourceCountIs('AWS::EC2::NatGateway', network.natGateways);
    stage().template.resourceCountIs('AWS::EC2::FlowLog', 1);
    const endpoints = JSON.stringify(resourcesOfType(stage(), 'AWS::EC2::VPCEndpoint'));
    for (const service of ['secretsmanager', 'sts', 'logs', 'monitoring', 'cassandra', 'lambda', 's3']) {
      expect(endpoints).toContain(`.${service}`);
    }
  });
});

describe('Kafka version', () => {
  it('runs MSK on the KRaft line of the local mirror (same major.minor as local Kafka)', () => {
    expect(MSK_KAFKA_VERSION).toMatch(/^\d+\.\d+\.x\.kraft$/);
    expect(MSK_KAFKA_VERSION.split('.').slice(0, 2)).toEqual(KAFKA_VERSION.split('.').slice(0, 2));
    for (const stage of AWS_STAGES) {
      const streaming = synthStage(stage).config.streaming;
      if (streaming.kind === 'provisioned') expect(streaming.kafkaVersion, stage).toBe(MSK_KAFKA_VERSION);
    }
  });
});

describe('stage differences', () => {
  it('sizes dev cheap and prod highly available', () => {
    const dev = loadStageConfig('dev', {});
    const prod = loadStageConfig('prod', {});
    expect(dev.database).toMatchObject({
      multiAz: false,
      deletionProtection: false,
      instanceType: 't4g.micro',
    });
    expect(prod.database).toMatchObject({ multiAz: true, deletionProtection: true });
    expect(dev.orchestration.environmentClass).toMatch(/^mw1\.(micro|small)$/);
    expect(prod.streaming).toMatchObject({ kind: 'provisioned', brokerCount: 3 });
    expect(prod.api).toMatchObject({ waf: true, auth: 'iam' });
    expect(dev.network.natGateways).toBe(1);
  });

  it('rejects contradicting settings', () => {
    expect(() =>
      resolveStageConfig({
        stageName: 'dev',
        network: { maxAzs: 2 },
        streaming: {
          kind: 'provisioned',
          kafkaVersion: '3.9.x',
          brokerInstanceType: 'kafka.t3.small',
          brokerCount: 3,
          volumeSizeGiB: 10,
        },
      }),
    ).toThrow(InvalidStageConfigError);
  });
});

describe('the day table of each stage, and a stage upgrading from the unbucketed one', () => {
  /** The processor's environment and the DAGs' Variable of a synthesized stage. */
  function dayTableWiring(s: SynthesizedStage) {
    const processor = resourcesOfType(s, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('ProcessingProcessor'),
    );
    if (!processor) throw new Error('no processor function');
    const environment = processor[1].Properties?.Environment as { Variables: Record<string, string> };
    const variables = environment.Variables;
    const variable = resourcesOfType(s, 'AWS::SecretsManager::Secret').find(([id]) =>
      id.includes('signupdaytable'),
    );
    const tables = resourcesOfType(s, 'AWS::Cassandra::Table').map(([, t]) => t.Properties?.TableName);
    return {
      buckets: variables.SIGNUP_DAY_BUCKETS,
      legacyTable: variables.SIGNUP_DAY_LEGACY_TABLE,
      dagVariable: JSON.parse(String(variable?.[1].Properties?.SecretString)),
      tables,
    };
  }

  it.each(AWS_STAGES)(
    '%s: the bucketed table only, its bucket count given to the processor and the DAGs',
    (name) => {
      const s = synthStage(name);
      const buckets = String(s.config.signupDayTable.buckets);
      expect(dayTableWiring(s)).toEqual({
        buckets,
        legacyTable: 'none',
        dagVariable: { table: 'users_by_signup_day_bucketed', bucket_count: Number(buckets) },
        tables: ['created_users', 'users_by_signup_day_bucketed', 'user_tombstones'],
      });
    },
  );

  it('dual-write keeps the legacy table under its old logical id and properties; readers read it', () => {
    const s = synthStage(
      'prod',
      (config) => ({ ...config, signupDayTable: { buckets: 16, legacyTable: 'dual-write' } }),
      'prod-dual-write',
    );
    expect(dayTableWiring(s)).toEqual({
      buckets: '16',
      legacyTable: 'dual-write',
      dagVariable: { table: 'users_by_signup_day', bucket_count: null },
      tables: ['created_users', 'users_by_signup_day_bucketed', 'users_by_signup_day', 'user_tombstones'],
    });
    // The logical id stages before the bucket had (Table-<name>), so CloudFormation leaves the live table be.
    const legacy = resourcesOfType(s, 'AWS::Cassandra::Table').find(
      ([, t]) => t.Properties?.TableName === LEGACY_USERS_BY_SIGNUP_DAY_TABLE.name,
    );
    expect(legacy?.[0]).toMatch(/^KeyspacesTableusersbysignupday[0-9A-F]{8}$/);
    const switched = synthStage(
      'prod',
      (config) => ({ ...config, signupDayTable: { buckets: 16, legacyTable: 'readers-switched' } }),
      'prod-readers-switched',
    );
    expect(dayTableWiring(switched).dagVariable).toEqual({
      table: 'users_by_signup_day_bucketed',
      bucket_count: 16,
    });
    expect(dayTableWiring(switched).tables).toContain('users_by_signup_day');
  });

  it("blocks a client IP above the stage's WAF rate", () => {
    synthStage('prod').template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Statement: { RateBasedStatement: { Limit: 300_000, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
  });
});

describe('MSK Serverless variant (dev with streaming.kind=serverless)', () => {
  const stage = () =>
    synthStage('dev', (config) => ({ ...config, streaming: { kind: 'serverless' } }), 'dev-serverless');

  it('creates a serverless cluster with IAM auth and no provisioned cluster', () => {
    stage().template.resourceCountIs('AWS::MSK::Cluster', 0);
    stage().template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    });
    // The MSK topic API does not serve serverless clusters: the custom resource creates its topics.
    stage().template.resourceCountIs('AWS::MSK::Topic', 0);
    stage().template.hasResourceProperties('Custom::KafkaTopic', {
      ReplicationFactor: '3',
      Config: Match.objectEquals({ 'retention.ms': Match.anyValue() }),
    });
    expect(stage().report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });
});

describe('Airflow version fallback (dev with orchestration.airflowVersionVia=update-environment)', () => {
  const stage = () =>
    synthStage(
      'dev',
      (config) => ({
        ...config,
        orchestration: { ...config.orchestration, airflowVersionVia: 'update-environment' },
      }),
      'dev-airflow-fallback',
    );

  it('creates MWAA on the version CloudFormation documents, then calls UpdateEnvironment with the real one', () => {
    const s = stage();
    s.template.hasResourceProperties('AWS::MWAA::Environment', {
      AirflowVersion: CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION,
    });
    const upgrades = resourcesOfType(s, 'Custom::AWS');
    expect(upgrades).toHaveLength(1);
    const [, upgrade] = upgrades[0] as (typeof upgrades)[number];
    const create = JSON.stringify(upgrade.Properties?.Create);
    expect(create).toContain('updateEnvironment');
    expect(create).toContain(`\\"AirflowVersion\\":\\"${AIRFLOW_VERSION}\\"`);
    const environment = onlyLogicalId(s, 'AWS::MWAA::Environment', 'OrchestrationEnvironment');
    expect(upgrade.DependsOn).toContain(environment);
    const policy = JSON.stringify(
      resourcesOfType(s, 'AWS::IAM::Policy').filter(([id]) =>
        id.startsWith('OrchestrationAirflowVersionUpgrade'),
      ),
    );
    expect(policy).toContain('airflow:UpdateEnvironment');
    expect(policy).toContain('iam:PassRole');
    expect(s.report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    for (const [id, fn] of resourcesOfType(s, 'AWS::Lambda::Function')) {
      const runtime = String(fn.Properties?.Runtime ?? '');
      if (runtime.startsWith('nodejs')) expect(runtime, id).toBe('nodejs24.x');
    }
  });

  it('keeps AirflowVersion on the environment itself by default', () => {
    expect(CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION).not.toBe(AIRFLOW_VERSION);
    synthStage('dev').template.hasResourceProperties('AWS::MWAA::Environment', {
      AirflowVersion: AIRFLOW_VERSION,
    });
    expect(resourcesOfType(synthStage('dev'), 'Custom::AWS')).toHaveLength(0);
  });
});

describe('LocalStack stage', () => {
  const stage = () => synthStage('local');

  it('uses only resource types LocalStack free serves', () => {
    const types = new Set(Object.values(stage().json.Resources).map((r) => r.Type));
    expect([...types].filter((type) => !LOCAL_ALLOWED_TYPES.has(type))).toEqual([]);
  });

  it('points the Lambdas at the compose Kafka, Cassandra and PostgreSQL', () => {
    const t = stage().template;
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ KAFKA_BROKERS: 'kafka:29092', KAFKA_AUTH: 'none' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CASSANDRA_CONTACT_POINTS: 'cassandra',
          CASSANDRA_AUTH: 'none',
          PGHOST: 'postgres',
          PGSSL: 'false',
        }),
      },
    });
    expect(JSON.stringify(stage().json)).not.toContain('VpcConfig');
  });
});
