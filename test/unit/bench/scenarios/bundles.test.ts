// Pure helpers of the bundle scenario (bench/scenarios/bundles.ts): report names from construct paths, and
// placeholders for the CloudFormation intrinsics in a function's environment.
import { describe, expect, it } from 'vitest';
import {
  functionNameFromPath,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  placeholderFor,
  resolveEnvironment,
  summarize,
  type TemplateResource,
} from '../../../../bench/scenarios/bundles.js';
import { readPostgresConnectionConfig } from '../../../../lambdas/shared/clients/postgres.js';
import { readKafkaProducerConfig } from '../../../../lambdas/shared/kafka/config.js';

describe('functionNameFromPath', () => {
  it.each([
    ['Pipeline-dev/Processing/Processor/Function/Resource', 'processor'],
    ['Pipeline-dev/Ingestion/HttpFunction/Function/Resource', 'ingest-http'],
    ['Pipeline-dev/Ingestion/PullFunction/Function/Resource', 'ingest-pull'],
    ['Pipeline-dev/Streaming/TopicsFunction/Function/Resource', 'topics'],
    ['Pipeline-dev/RelationalStore/MigrationsFunction/Function/Resource', 'migrations'],
    ['Pipeline-prod/Processing/Processor/Function/Resource', 'processor'],
    // A plain NodejsFunction (no PipelineFunction wrapper) and multi-word ids.
    ['Pipeline-dev/Replay/ReplayWorker/Resource', 'replay-worker'],
    ['Pipeline-dev/Exports/DailyCSVExportFunction/Function/Resource', 'daily-csv-export'],
    // A construct whose PipelineFunction has the id `Function`: named by the construct.
    ['Pipeline-dev/FailedBatchesReplay/Function/Function/Resource', 'failed-batches-replay'],
    ['Pipeline-dev/Verification/Function/Function/Resource', 'verification'],
  ])('%s → %s', (path, name) => {
    expect(functionNameFromPath(path)).toBe(name);
  });

  it.each([
    'Pipeline-dev/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler',
    'Pipeline-dev/Streaming/TopicsProvider/framework-onEvent/Resource',
    'Pipeline-dev/RelationalStore/MigrationsProvider/framework-onEvent/Resource',
    'Pipeline-dev/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB/Resource',
    'Pipeline-dev/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource',
    'Pipeline-dev/AWS679f53fac002430cb0da5b7982bd2287/Resource',
  ])('skips the CDK-internal %s', (path) => {
    expect(functionNameFromPath(path)).toBeUndefined();
  });
});

const resources: Record<string, TemplateResource> = {
  StreamingClusterB09DA440: { Type: 'AWS::MSK::ServerlessCluster', Properties: { ClusterName: 'x' } },
  RelationalStoreSecretBDB51A51: { Type: 'AWS::SecretsManager::Secret' },
  RelationalStoreInstance71704720: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres' } },
  RelationalStoreInstanceProxy8486DBE5: {
    Type: 'AWS::RDS::DBProxy',
    Properties: { EngineFamily: 'POSTGRESQL' },
  },
  MysqlInstance: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'mysql', Port: '3307' } },
  Queue: { Type: 'AWS::SQS::Queue' },
};

describe('placeholderFor', () => {
  it('keeps literals', () => {
    expect(placeholderFor('users_created', resources)).toBe('users_created');
    expect(placeholderFor(9142, resources)).toBe('9142');
    expect(placeholderFor(true, resources)).toBe('true');
  });

  it('gives an MSK cluster Arn the shape the Kafka config accepts', () => {
    const arn = placeholderFor({ 'Fn::GetAtt': ['StreamingClusterB09DA440', 'Arn'] }, resources);
    expect(arn).toBe(
      `arn:aws:kafka:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:cluster/streamingclusterb09da440/00000000-0000-0000-0000-000000000000-1`,
    );
  });

  it('resolves Ref by resource type and pseudo parameter', () => {
    expect(placeholderFor({ Ref: 'RelationalStoreSecretBDB51A51' }, resources)).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:relationalstoresecretbdb51a51-[A-Za-z0-9]{6}$/,
    );
    expect(placeholderFor({ Ref: 'Queue' }, resources)).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/queue',
    );
    expect(placeholderFor({ Ref: 'AWS::Region' }, resources)).toBe('eu-west-1');
    expect(placeholderFor({ Ref: 'Unknown' }, resources)).toBe('unknown');
  });

  it('gives endpoints host names and ports numbers', () => {
    expect(
      placeholderFor({ 'Fn::GetAtt': ['RelationalStoreInstanceProxy8486DBE5', 'Endpoint'] }, resources),
    ).toBe('relationalstoreinstanceproxy8486dbe5.placeholder.eu-west-1.amazonaws.com');
    expect(
      placeholderFor({ 'Fn::GetAtt': ['RelationalStoreInstance71704720', 'Endpoint.Port'] }, resources),
    ).toBe('5432');
    expect(placeholderFor({ 'Fn::GetAtt': 'MysqlInstance.Endpoint.Port' }, resources)).toBe('3307');
  });

  it('resolves Fn::Join, Fn::Sub and Fn::Select over their parts', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
    const sub = '${Host}:${Port}/${AWS::AccountId}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
    const subAttribute = 'x-${RelationalStoreInstance71704720.Endpoint.Port}';
    expect(
      placeholderFor(
        { 'Fn::Join': ['', ['cassandra.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        resources,
      ),
    ).toBe('cassandra.eu-west-1.amazonaws.com');
    expect(placeholderFor({ 'Fn::Sub': [sub, { Port: '9098', Host: { Ref: 'Queue' } }] }, resources)).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/queue:9098/123456789012',
    );
    expect(placeholderFor({ 'Fn::Sub': subAttribute }, resources)).toBe('x-5432');
    expect(placeholderFor({ 'Fn::Select': [1, ['a', { Ref: 'AWS::Partition' }]] }, resources)).toBe('aws');
  });
});

describe('resolveEnvironment', () => {
  it('yields environments the functions’ own configuration parsers accept', () => {
    // Shaped like the dev template's ingest-http and migrations functions.
    const kafka = resolveEnvironment(
      {
        KAFKA_AUTH: 'iam',
        MSK_CLUSTER_ARN: { 'Fn::GetAtt': ['StreamingClusterB09DA440', 'Arn'] },
        KAFKA_TOPIC: 'users_created',
      },
      resources,
    );
    const kafkaConfig = readKafkaProducerConfig(kafka, { clientId: 'bench' });
    expect(kafkaConfig.region).toBe(PLACEHOLDER_REGION);
    expect(kafkaConfig.bootstrap.kind).toBe('msk-cluster');

    const postgres = resolveEnvironment(
      {
        PGHOST: { 'Fn::GetAtt': ['RelationalStoreInstance71704720', 'Endpoint.Address'] },
        PGPORT: { 'Fn::GetAtt': ['RelationalStoreInstance71704720', 'Endpoint.Port'] },
        PG_SECRET_ARN: { Ref: 'RelationalStoreSecretBDB51A51' },
        PGSSL: 'true',
      },
      resources,
    );
    expect(Object.values(postgres).every((value) => typeof value === 'string')).toBe(true);
    expect(readPostgresConnectionConfig(postgres)).toMatchObject({ port: 5432, tls: true });
  });

  it('is empty without variables', () => {
    expect(resolveEnvironment(undefined, resources)).toEqual({});
  });
});

describe('summarize', () => {
  it('rounds to one decimal and takes the middle of an odd count', () => {
    expect(summarize([30.04, 10.26, 20.15])).toEqual({ median: 20.2, min: 10.3, max: 30 });
  });

  it('averages the middle two of an even count', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('refuses no values', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});
