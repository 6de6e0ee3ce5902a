import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_NAMES, type StageName } from '../../../../bin/config/index.js';
import { cleanUpSyntheses, type SynthesizedStage, synthStage } from '../../support/pipeline-fixture.js';

// Dev and prod deploy side by side into one account and region: any physical name two stages share makes
// the second deploy fail (or, worse for secrets and IAM, lets one stage reach the other's resources).

// Three full syntheses (cdk-nag included) take a while on a shared machine.
beforeAll(() => {
  for (const stage of STAGE_NAMES) synthStage(stage);
}, 600_000);
afterAll(cleanUpSyntheses);

/**
 * Resource types whose name is unique per account and region, with the properties that hold it. A resource
 * of these types that sets none of them gets a generated, stack-unique name and is not listed.
 */
const NAMED_TYPES: Readonly<Record<string, readonly string[]>> = {
  'AWS::ApiGateway::RestApi': ['Name'],
  'AWS::Cassandra::Keyspace': ['KeyspaceName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
  'AWS::EC2::SecurityGroup': ['GroupName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::MSK::Cluster': ['ClusterName'],
  'AWS::MSK::Configuration': ['Name'],
  'AWS::MSK::ServerlessCluster': ['ClusterName'],
  'AWS::MWAA::Environment': ['Name'],
  'AWS::RDS::DBInstance': ['DBInstanceIdentifier'],
  'AWS::RDS::DBProxy': ['DBProxyName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::Scheduler::Schedule': ['Name'],
  'AWS::Scheduler::ScheduleGroup': ['Name'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::SSM::Parameter': ['Name'],
  'AWS::WAFv2::WebACL': ['Name'],
};

interface PhysicalName {
  readonly stage: StageName;
  readonly logicalId: string;
  readonly type: string;
  /** The name as the template states it (a literal, or an intrinsic over pseudo parameters). */
  readonly name: string;
}

function physicalNames(stage: StageName, synthesized: SynthesizedStage): PhysicalName[] {
  return Object.entries(synthesized.json.Resources).flatMap(([logicalId, resource]) => {
    const keys = NAMED_TYPES[resource.Type] ?? [];
    const values = keys.map((key) => resource.Properties?.[key]).filter((value) => value !== undefined);
    if (values.length === 0) return [];
    return [{ stage, logicalId, type: resource.Type, name: JSON.stringify(values) }];
  });
}

describe('stage names', () => {
  const all = () => STAGE_NAMES.flatMap((stage) => physicalNames(stage, synthStage(stage)));

  it('finds the named resources of every stage (secrets, log groups, database, MWAA, API, keyspace)', () => {
    for (const stage of STAGE_NAMES) {
      const types = new Set(
        all()
          .filter((name) => name.stage === stage)
          .map((name) => name.type),
      );
      expect(types.has('AWS::SSM::Parameter'), stage).toBe(true);
      expect(types.has('AWS::ApiGateway::RestApi'), stage).toBe(true);
      if (synthStage(stage).config.target === 'aws') {
        for (const type of ['AWS::SecretsManager::Secret', 'AWS::MWAA::Environment', 'AWS::RDS::DBInstance'])
          expect(types.has(type), `${stage} ${type}`).toBe(true);
      }
    }
  });

  it('shares no physical name between two stages', () => {
    const byName = new Map<string, PhysicalName[]>();
    for (const name of all()) {
      const key = `${name.type} ${name.name}`;
      byName.set(key, [...(byName.get(key) ?? []), name]);
    }
    const shared = [...byName.entries()]
      .filter(([, names]) => new Set(names.map((name) => name.stage)).size > 1)
      .map(
        ([key, names]) => `${key} in ${names.map((name) => `${name.stage}:${name.logicalId}`).join(', ')}`,
      );
    expect(shared).toEqual([]);
  });

  it('puts the stage name into every physical name', () => {
    const missing = all()
      .filter((name) => !name.name.includes(name.stage))
      .map((name) => `${name.stage} ${name.type} ${name.logicalId} ${name.name}`);
    expect(missing).toEqual([]);
  });
});
