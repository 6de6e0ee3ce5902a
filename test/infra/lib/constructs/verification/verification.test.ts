/**
 * The verification function `npm run verify` invokes (lib/constructs/verification): in the VPC, reading the
 * stores as the reader role only, producing to the source topic only, with the outputs verify reads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUTS } from '../../../../../lib/stacks/stack-outputs.js';
import {
  cleanUpSyntheses,
  resourcesOfType,
  type SynthesizedStage,
  synthStage,
} from '../../../support/pipeline-fixture.js';

afterAll(cleanUpSyntheses);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function verificationFunction(stage: SynthesizedStage) {
  const matches = resourcesOfType(stage, 'AWS::Lambda::Function').filter(([id]) =>
    id.startsWith('VerificationFunction'),
  );
  expect(matches).toHaveLength(1);
  const [, fn] = matches[0] as (typeof matches)[number];
  return fn.Properties ?? {};
}

/** Every statement of the policies attached to the verification function's role. */
function roleStatements(stage: SynthesizedStage): Statement[] {
  const role = JSON.stringify(
    (verificationFunction(stage).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
  );
  return resourcesOfType(stage, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(role))
    .flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe.each(['dev', 'prod'] as const)('verification function (%s)', (stageName) => {
  const stage = () => synthStage(stageName);

  it('runs in the private subnets with a security group of its own', () => {
    const vpcConfig = verificationFunction(stage()).VpcConfig as {
      SubnetIds: unknown[];
      SecurityGroupIds: unknown[];
    };
    expect(vpcConfig.SubnetIds.length).toBe(stage().config.network.maxAzs);
    expect(JSON.stringify(vpcConfig.SecurityGroupIds)).toMatch(/VerificationSecurityGroup/);
  });

  it('logs in to PostgreSQL as pipeline_reader with the reader secret, over TLS', () => {
    const env = (verificationFunction(stage()).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.PGUSER).toBe('pipeline_reader');
    expect(JSON.stringify(env.PG_SECRET_ARN)).toMatch(/RelationalStoreReaderSecret/);
    expect(env.PGSSL).toBe('true');
    expect(env.CASSANDRA_AUTH).toBe('sigv4');
    expect(env.KAFKA_AUTH).toBe('iam');
    expect(env.KAFKA_TOPIC).toBe(stage().config.topicName);
    const secretReads = roleStatements(stage()).filter((s) =>
      actionsOf([s]).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(secretReads)).toMatch(/RelationalStoreReaderSecret/);
    expect(JSON.stringify(secretReads)).not.toMatch(/WriterSecret|RelationalStoreSecret[A-F0-9]/);
  });

  it('may read the keyspace but never modify it, and may write only the source topic', () => {
    const statements = roleStatements(stage());
    const actions = actionsOf(statements);
    expect(actions).toContain('cassandra:Select');
    expect(actions).not.toContain('cassandra:Modify');
    const writes = statements.filter((s) => actionsOf([s]).includes('kafka-cluster:WriteData'));
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]?.Resource)).toMatch(new RegExp(`/${stage().config.topicName}"`));
    expect(JSON.stringify(writes)).not.toContain(stage().config.processor.failureDestination.topicName);
    expect(actions.filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('is let into the RDS proxy and the MSK IAM listener', () => {
    const ingress = resourcesOfType(stage(), 'AWS::EC2::SecurityGroupIngress')
      .map(([, rule]) => rule.Properties ?? {})
      .filter((rule) => JSON.stringify(rule.SourceSecurityGroupId).includes('VerificationSecurityGroup'));
    expect(ingress.map((rule) => rule.FromPort).sort()).toEqual([5432, 9098]);
  });

  it('publishes the outputs npm run verify reads', () => {
    const outputs = stage().template.findOutputs('*');
    for (const key of Object.values(STACK_OUTPUTS)) {
      if (key === STACK_OUTPUTS.apiKeyId && stage().config.api.auth !== 'apiKey') continue;
      expect(outputs[key], key).toBeDefined();
    }
    if (stage().config.api.auth !== 'apiKey') expect(outputs[STACK_OUTPUTS.apiKeyId]).toBeUndefined();
    const alarmNames = outputs[STACK_OUTPUTS.alarmNames]?.Value as string;
    const alarms = resourcesOfType(stage(), 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties?.AlarmName);
    expect(alarmNames.split(',').sort()).toEqual([...alarms].sort());
  });
});

describe('LocalStack stage', () => {
  it('has no verification function (npm run verify -- --stage local checks the npm start mirror)', () => {
    const ids = resourcesOfType(synthStage('local'), 'AWS::Lambda::Function').map(([id]) => id);
    expect(ids.filter((id) => id.startsWith('Verification'))).toEqual([]);
  });
});
